import Inventory
import Support

/// What a node showed of kubeadm's preflight before anything runs (`KubernetesScripts.nodePreflight`).
public struct NodePreflightFacts: Sendable, Equatable {
  public var binaries: [String: Bool] = [:]
  public var cpus: Int?
  public var memoryKiB: Int?
  public var swaps: Int?
  public var cgroupFilesystem: String?
  public var modules: [String: Bool] = [:]
  public var sysctls: [String: String] = [:]
  /// Port → `free` or the process listening on it (`unknown` without `ss`).
  public var ports: [Int: String] = [:]
  public var hostname: String?
  public var resolves: Bool?
  public var runtimeSocket: Bool?
  public init() {}

  /// cgroup2fs on /sys/fs/cgroup is v2, tmpfs is v1 (or hybrid); anything else is not known.
  public var cgroupV2: Bool? { cgroupFilesystem == "cgroup2fs" ? true : cgroupFilesystem == "tmpfs" ? false : nil }
}

/// One thing the preflight found on a node, in words for the plan: fixed by node preparation,
/// a warning (kubeadm warns, or Bulwark cannot tell), or blocking (kubeadm's preflight fails and no
/// step fixes it).
public struct PreflightFinding: Sendable, Equatable, CustomStringConvertible {
  public enum Level: String, Sendable, Equatable { case fixed, warning, blocking }
  public var host: String
  public var level: Level
  public var message: String
  public init(_ host: String, _ level: Level, _ message: String) {
    self.host = host
    self.level = level
    self.message = message
  }
  public var description: String { "\(host): \(message)" }
}

/// The live plan's preflight: the probe each Kubernetes node runs (in the same round trip as the
/// cluster probe), its parser, and the verdict against the minor's `KubernetesRequirements`.
public enum NodePreflight {
  /// Bulwark installs conntrack although kubeadm stopped requiring it in v1.32
  /// (kubernetes/kubernetes#126952): it is how an operator reads the NAT state kube-proxy keeps.
  public static let bulwarkBinaries = ["conntrack"]

  /// The Debian 12 package that puts each binary on PATH.
  public static let debianPackage: [String: String] = [
    "conntrack": "conntrack", "iptables": "iptables", "ip": "iproute2", "tc": "iproute2", "mount": "mount",
    "nsenter": "util-linux", "ebtables": "ebtables", "ethtool": "ethtool", "socat": "socat", "touch": "coreutils",
  ]

  /// What node preparation makes sure is on PATH: kubeadm's mandatory binaries and Bulwark's own.
  public static func installedBinaries(_ r: KubernetesRequirements) -> [String] { bulwarkBinaries + r.requiredBinaries }

  /// The packages node preparation installs for them.
  public static func packages(_ r: KubernetesRequirements) -> [String] {
    var seen = Set<String>()
    return installedBinaries(r).compactMap { debianPackage[$0] }.filter { seen.insert($0).inserted }
  }

  /// The ports kubeadm's preflight wants free on this host (a control plane also checks the kubelet's).
  public static func portsFree(_ r: KubernetesRequirements, controlPlane: Bool) -> [Int] {
    controlPlane ? r.controlPlanePortsFree : r.nodePortsFree
  }

  /// The process kubeadm's cluster runs on each port: a port held by it is this cluster's own.
  static let ownListener: [Int: [String]] = [
    6443: ["kube-apiserver"], 10250: ["kubelet"], 10257: ["kube-controller", "kube-controller-manager"],
    10259: ["kube-scheduler"],
  ]

  public static func probe(_ r: KubernetesRequirements, host: ClusterHost) -> String {
    KubernetesScripts.nodePreflight(
      binaries: installedBinaries(r) + r.optionalBinaries,
      ports: portsFree(r, controlPlane: host.has(.controlPlane)),
      sysctls: r.sysctls.keys.sorted(), nodeName: host.name,
      socket: String(r.runtimeSocket.dropFirst("unix://".count)))
  }

  /// The `preflight …` lines of a probe's output; other lines are left to their own reader.
  public static func parse(_ output: String) throws(KubernetesFactsError) -> NodePreflightFacts {
    var f = NodePreflightFacts()
    func bad(_ line: Substring) -> KubernetesFactsError {
      KubernetesFactsError(.unexpectedOutput, "the preflight probe printed \(ShellQuoting.quote(String(line)))")
    }
    func isToken(_ s: String) -> Bool {
      !s.isEmpty && s.count <= 253 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
    for line in output.split(separator: "\n") where line.hasPrefix("preflight ") {
      let w = line.split(separator: " ").dropFirst().map(String.init)
      guard let key = w.first, w.dropFirst().allSatisfy(isToken) else { throw bad(line) }
      switch (key, w.count) {
      case ("bin", 3) where ["yes", "no"].contains(w[2]): f.binaries[w[1]] = w[2] == "yes"
      case ("module", 3) where ["yes", "no"].contains(w[2]): f.modules[w[1]] = w[2] == "yes"
      case ("cpus", 2): f.cpus = Int(w[1])
      case ("mem-kib", 2): f.memoryKiB = Int(w[1])
      case ("swaps", 2): f.swaps = Int(w[1])
      case ("cgroup", 2): f.cgroupFilesystem = w[1]
      case ("sysctl", 3): f.sysctls[w[1]] = w[2]
      case ("port", 3): guard let p = Int(w[1]) else { throw bad(line) }; f.ports[p] = w[2]
      case ("hostname", 2): f.hostname = w[1]
      case ("resolves", 2) where ["yes", "no"].contains(w[1]): f.resolves = w[1] == "yes"
      case ("socket", 2) where ["yes", "no"].contains(w[1]): f.runtimeSocket = w[1] == "yes"
      default: throw bad(line)
      }
    }
    return f
  }

  /// The findings for one node. `inCluster`: the node is already a member, so ports its own
  /// components hold, and kubeadm's init-time checks, no longer apply.
  public static func evaluate(
    _ f: NodePreflightFacts, host: ClusterHost, requirements r: KubernetesRequirements, inCluster: Bool
  ) -> [PreflightFinding] {
    let name = host.name, minor = "1.\(r.minor)"
    var out: [PreflightFinding] = []
    for b in installedBinaries(r) where f.binaries[b] == false {
      out.append(.init(name, .fixed, "\(b) not in PATH, node preparation installs it (Debian package \(debianPackage[b] ?? b))"))
    }
    for b in r.optionalBinaries where f.binaries[b] == false {
      out.append(.init(name, .warning, "\(b) not in PATH (kubeadm \(minor) only warns)"))
    }
    if host.has(.controlPlane), !inCluster {
      if let cpus = f.cpus, cpus < r.controlPlaneCPUs {
        out.append(.init(name, .blocking, "\(cpus) CPU\(cpus == 1 ? "" : "s"), kubeadm needs \(r.controlPlaneCPUs) on a control plane"))
      }
      if let kib = f.memoryKiB, kib / 1024 < r.controlPlaneMemoryMB {
        out.append(.init(name, .blocking, "\(gib(kib / 1024)) GiB memory, kubeadm needs \(gib(r.controlPlaneMemoryMB)) GiB"
          + " (\(r.controlPlaneMemoryMB) MiB) on a control plane"))
      }
    }
    if let swaps = f.swaps, swaps > 0 {
      out.append(.init(name, .fixed, "swap is on, node preparation turns it off (the kubelet refuses swap by default)"))
    }
    if f.cgroupV2 == false {
      switch r.cgroupV1 {
      case .warned:
        out.append(.init(name, .warning, "cgroup v1 (\(f.cgroupFilesystem ?? "?") on /sys/fs/cgroup): kubeadm \(minor) warns; from 1.35 kubeadm and the kubelet refuse it (KEP-5573): move the host to cgroup v2 before upgrading"))
      case .refused:
        out.append(.init(name, .blocking, "cgroup v1 (\(f.cgroupFilesystem ?? "?") on /sys/fs/cgroup): kubeadm \(minor) and its kubelet refuse it (KEP-5573, failCgroupV1); boot the host with cgroup v2"))
      }
    }
    for m in r.kernelModules where f.modules[m] == false {
      out.append(.init(name, .fixed, "kernel module \(m) not loaded, node preparation loads it"))
    }
    for (key, want) in r.sysctls.sorted(by: { $0.key < $1.key }) {
      if let have = f.sysctls[key], have != want {
        out.append(.init(name, .fixed, "\(key) is \(have), node preparation sets \(want)"))
      }
    }
    if !inCluster {
      for (port, who) in f.ports.sorted(by: { $0.key < $1.key }) where who != "free" {
        if (ownListener[port] ?? []).contains(where: { who.hasPrefix($0) }) { continue }
        out.append(.init(name, .blocking, "port \(port) is in use by \(who == "unknown" ? "a process ss could not name" : who); kubeadm's preflight needs it free (Port-\(port))"))
      }
      if f.resolves == false {
        out.append(.init(name, .warning, "\(name) does not resolve on the host (kubeadm's Hostname check warns)"))
      }
    }
    if f.runtimeSocket == false {
      out.append(.init(name, .fixed, "no containerd socket at \(r.runtimeSocket) yet, node preparation installs containerd"))
    }
    return out
  }

  static func gib(_ mib: Int) -> String {
    let tenths = (mib * 10 + 512) / 1024
    return "\(tenths / 10).\(tenths % 10)"
  }

  /// What the plan says before its steps: the minor's checks, then each node's findings, or that
  /// every node meets them; `findings` nil when the plan was made without asking the hosts.
  public static func summary(_ r: KubernetesRequirements, findings: [PreflightFinding]?) -> [String] {
    var lines = [
      "Kubernetes 1.\(r.minor) (kubeadm config \(r.kubeadmAPIVersion), end of life \(r.endOfLife)):"
        + " in PATH \(r.requiredBinaries.joined(separator: ", ")) (and \(bulwarkBinaries.joined(separator: ", ")) for Bulwark);"
        + " control planes \(r.controlPlaneCPUs) CPUs, \(r.controlPlaneMemoryMB) MiB, ports \(r.controlPlanePortsFree.map(String.init).joined(separator: ", ")) free;"
        + " swap off; cgroup v2\(r.cgroupV1 == .refused ? " (v1 refused)" : " (v1 warned)");"
        + " \(r.sysctls.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))",
    ]
    guard let findings else {
      lines.append("not checked: planned without asking the hosts")
      return lines
    }
    if findings.isEmpty { lines.append("every node meets them") }
    lines += findings.map { "\($0.level == .blocking ? "BLOCKING " : $0.level == .warning ? "warning " : "")\($0)" }
    return lines
  }
}
