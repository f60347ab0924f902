import Foundation
import Inventory
import Kubernetes
import PlanFixtures
import Planning
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The preflight probe and the node-package scripts: golden-tested, parsed by `sh -n`, and run for
/// real on this machine where that reads nothing but the machine (the probe) or can be pointed at
/// a stand-in (dpkg); and the verdicts, written from kubeadm's own checks
/// (cmd/kubeadm/app/preflight/checks.go, checks_linux.go).
@Suite struct PreflightTests {
  static let root = repositoryRoot()
  static let r36 = KubernetesRequirements.forMinor(36)!
  static let r34 = KubernetesRequirements.forMinor(34)!

  static func hybrid() throws -> Inventory {
    try #require(InventoryLoader().load(path: root + "/inventories/hybrid.yaml").inventory)
  }
  static func host(_ name: String) throws -> ClusterHost { try #require(try hybrid().hosts.first { $0.name == name }) }

  static let scripts: [(String, String)] = {
    let inv = try! hybrid()
    let cp = inv.hosts(with: .controlPlane)[0], worker = inv.hosts(with: .worker)[0]
    return [
      ("preflight-control-plane", NodePreflight.probe(r36, host: cp)),
      ("preflight-worker", NodePreflight.probe(r36, host: worker)),
      ("commands-present", KubernetesScripts.commandsPresent(NodePreflight.installedBinaries(r36))),
      ("install-packages", KubernetesScripts.installPackagesFromRepositories(NodePreflight.packages(r36))),
      ("install-missing-debs", KubernetesScripts.installMissingDebs(["/var/lib/bulwark/packages/conntrack_1.4.7-1+b2_amd64.deb",
        "/var/lib/bulwark/packages/libmnl0_1.0.4-3_amd64.deb"])),
    ]
  }()

  @Test(arguments: scripts)
  func theScriptMatchesItsGoldenAndParses(name: String, script: String) async throws {
    // The same check as every other Kubernetes script's: its golden, and `sh -n`.
    try await KubernetesScriptTests().theScriptMatchesItsGoldenAndParses(name: name, script: script)
  }

  /// kubeadm's checks, as the probe must look for them: mandatory InPathChecks ip, iptables, mount,
  /// nsenter; optional ebtables, ethtool, socat, tc, touch (checks_linux.go addExecChecks); ports
  /// bindPort 6443, 10259, 10257 and the kubelet's 10250 on a control plane, 10250 on a worker
  /// (InitNodeChecks, addCommonChecks); /proc/sys/net/ipv4/ip_forward (addIPv4Checks).
  @Test func theProbeLooksForWhatKubeadmChecks() throws {
    let cp = NodePreflight.probe(Self.r36, host: try Self.host("cp-dc1"))
    let worker = NodePreflight.probe(Self.r36, host: try Self.host("worker-dc1-1"))
    for b in ["ip", "iptables", "mount", "nsenter", "ebtables", "ethtool", "socat", "tc", "touch", "conntrack"] {
      #expect(cp.contains(" \(b)"), "the probe looks for \(b)")
    }
    #expect(cp.contains("for p in 6443 10259 10257 10250; do"))
    #expect(worker.contains("for p in 10250; do"))
    #expect(cp.contains("/proc/sys/net/ipv4/ip_forward"))
    #expect(cp.contains("-S /run/containerd/containerd.sock"))
    #expect(Self.r36.controlPlanePorts.filter { $0.proto == "tcp" }.map(\.ports) == [6443...6443, 2379...2380, 10250...10250, 10259...10259, 10257...10257])
  }

  /// The probe run here, read-only, against what this machine says through other means.
  @Test func theProbeReadsThisMachine() async throws {
    let listener = try Listener()
    defer { listener.close() }
    let free = try Listener(), freePort = free.port
    free.close()
    let script = KubernetesScripts.nodePreflight(binaries: ["sh", "bulwark-no-such-binary"], ports: [listener.port, freePort],
      sysctls: ["net.ipv4.ip_forward"], nodeName: "localhost", socket: "/nonexistent/containerd.sock")
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let r = try await dir.run(["-c", script])
    #expect(r.status == 0, "\(r.err)")
    let f = try NodePreflight.parse(r.out)
    #expect(f.binaries == ["sh": true, "bulwark-no-such-binary": false])
    #expect(f.cpus == ProcessInfo.processInfo.activeProcessorCount)
    let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
    let total = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?.split(separator: " ")[1]
    #expect(f.memoryKiB == total.flatMap { Int($0) })
    #expect(f.swaps == (try String(contentsOfFile: "/proc/swaps", encoding: .utf8)).split(separator: "\n").count - 1)
    #expect(f.cgroupFilesystem == "cgroup2fs" || f.cgroupFilesystem == "tmpfs", "\(f.cgroupFilesystem ?? "-")")
    #expect(f.sysctls["net.ipv4.ip_forward"] == (try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(f.ports[freePort] == "free")
    #expect(f.ports[listener.port] != nil && f.ports[listener.port] != "free", "\(f.ports)")
    #expect(f.resolves == true && f.runtimeSocket == false)
  }

  /// The install script leaves a package the host has alone and hands dpkg only the others.
  @Test func installMissingDebsSkipsInstalledPackages() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    func deb(_ package: String) async throws -> String {
      let tree = "\(dir.path)/\(package)"
      try FileManager.default.createDirectory(atPath: tree + "/DEBIAN", withIntermediateDirectories: true)
      try "Package: \(package)\nVersion: 1.0\nArchitecture: all\nMaintainer: test <t@example.org>\nDescription: test\n"
        .write(toFile: tree + "/DEBIAN/control", atomically: true, encoding: .utf8)
      let r = try await dir.run(["-c", "dpkg-deb --build \(tree) \(tree).deb >/dev/null"])
      #expect(r.status == 0, "\(r.err)")
      return tree + ".deb"
    }
    let installed = try await deb("coreutils"), absent = try await deb("bulwark-test-absent")
    try FileManager.default.createDirectory(atPath: dir.path + "/bin", withIntermediateDirectories: true)
    try FakeCommand.write("#!/bin/sh\nprintf '%s\\n' \"$@\" > \(dir.path)/dpkg-args\n", to: dir.path + "/bin/dpkg")
    let r = try await dir.run(["-c", "PATH=\(dir.path)/bin:$PATH; " + KubernetesScripts.installMissingDebs([installed, absent])])
    #expect(r.status == 0, "\(r.err)")
    #expect(try String(contentsOfFile: dir.path + "/dpkg-args", encoding: .utf8) == "-i\n\(absent)\n")
    try FileManager.default.removeItem(atPath: dir.path + "/dpkg-args")
    let none = try await dir.run(["-c", "PATH=\(dir.path)/bin:$PATH; " + KubernetesScripts.installMissingDebs([installed])])
    #expect(none.status == 0 && !FileManager.default.fileExists(atPath: dir.path + "/dpkg-args"))
  }

  static func facts(_ change: (inout NodePreflightFacts) -> Void = { _ in }) -> NodePreflightFacts {
    var f = NodePreflightFacts()
    for b in NodePreflight.installedBinaries(r36) + r36.optionalBinaries { f.binaries[b] = true }
    f.cpus = 2
    f.memoryKiB = 4 << 20
    f.swaps = 0
    f.cgroupFilesystem = "cgroup2fs"
    f.modules = ["overlay": true, "br_netfilter": true]
    f.sysctls = ["net.ipv4.ip_forward": "1"]
    f.ports = [6443: "free", 10259: "free", 10257: "free", 10250: "free"]
    f.resolves = true
    f.runtimeSocket = true
    change(&f)
    return f
  }

  func verdict(_ f: NodePreflightFacts, _ host: String, _ r: KubernetesRequirements = r36, inCluster: Bool = false) throws -> [String] {
    NodePreflight.evaluate(f, host: try Self.host(host), requirements: r, inCluster: inCluster).map { "\($0.level.rawValue) \($0)" }
  }

  @Test func aNodeThatMeetsEverythingHasNoFindings() throws {
    #expect(try verdict(Self.facts(), "cp-dc1").isEmpty)
    #expect(try verdict(Self.facts(), "worker-dc1-1").isEmpty)
  }

  @Test func missingBinariesAreInstalledOrWarnedAbout() throws {
    let f = Self.facts { $0.binaries["conntrack"] = false; $0.binaries["iptables"] = false; $0.binaries["socat"] = false }
    #expect(try verdict(f, "cp-dc1") == [
      "fixed cp-dc1: conntrack not in PATH, node preparation installs it (Debian package conntrack)",
      "fixed cp-dc1: iptables not in PATH, node preparation installs it (Debian package iptables)",
      "warning cp-dc1: socat not in PATH (kubeadm 1.36 only warns)",
    ])
  }

  /// MemCheck (1700 MB) and NumCPUCheck (2) run on control planes (InitNodeChecks, also for a
  /// joining control plane), not on workers (JoinNodeChecks).
  @Test func aSmallControlPlaneBlocksAndASmallWorkerDoesNot() throws {
    let small = Self.facts { $0.memoryKiB = 1536 * 1024; $0.cpus = 1 }
    #expect(try verdict(small, "cp-dc2") == [
      "blocking cp-dc2: 1 CPU, kubeadm needs 2 on a control plane",
      "blocking cp-dc2: 1.5 GiB memory, kubeadm needs 1.7 GiB (1700 MiB) on a control plane",
    ])
    #expect(try verdict(small, "worker-dc1-1").isEmpty)
    #expect(try verdict(Self.facts { $0.memoryKiB = 1700 * 1024 }, "cp-dc2").isEmpty)
  }

  /// cgroup v1: a warning up to 1.34, refused from 1.35 (KEP-5573; kubernetes/system-validators#59).
  @Test func cgroupV1IsAWarningOn134AndBlocksFrom135() throws {
    let v1 = Self.facts { $0.cgroupFilesystem = "tmpfs" }
    #expect(try verdict(v1, "worker-dc1-1", Self.r34).map { $0.hasPrefix("warning worker-dc1-1: cgroup v1") } == [true])
    for minor in [35, 36, 37] {
      let r = try #require(KubernetesRequirements.forMinor(minor))
      #expect(try verdict(v1, "worker-dc1-1", r).map { $0.hasPrefix("blocking worker-dc1-1: cgroup v1") } == [true])
    }
  }

  /// PortOpenCheck fails when anything holds the port; this cluster's own component on its own port
  /// (a node already in the cluster) is no problem.
  @Test func aPortHeldByAnotherProcessBlocks() throws {
    let held = Self.facts { $0.ports[6443] = "nginx"; $0.ports[10250] = "kubelet" }
    #expect(try verdict(held, "cp-dc1") == [
      "blocking cp-dc1: port 6443 is in use by nginx; kubeadm's preflight needs it free (Port-6443)",
    ])
    #expect(try verdict(held, "cp-dc1", inCluster: true).isEmpty)
  }

  @Test func whatNodePreparationFixesIsSaidSo() throws {
    let f = Self.facts {
      $0.swaps = 1; $0.modules["br_netfilter"] = false; $0.sysctls["net.ipv4.ip_forward"] = "0"; $0.runtimeSocket = false
    }
    let v = try verdict(f, "worker-dc1-1")
    #expect(v.count == 4 && v.allSatisfy { $0.hasPrefix("fixed ") }, "\(v)")
    #expect(v.contains("fixed worker-dc1-1: net.ipv4.ip_forward is 0, node preparation sets 1"))
  }

  @Test func hostileProbeOutputIsRefused() {
    for output in ["preflight bin a;b yes\n", "preflight port x free\n", "preflight cpus\n", "preflight hostname $(reboot)\n",
      "preflight nonsense 1\n"] {
      #expect(throws: KubernetesFactsError.self) { try NodePreflight.parse(output) }
    }
    #expect(throws: Never.self) { try NodePreflight.parse("server v1.36.4\nnone\n") }
  }

  /// Node preparation installs from the hosts' repositories, or from the cache's .deb files.
  @Test func nodePreparationInstallsThePackages() throws {
    let inv = try Self.hybrid()
    let book = try PlaybookLoader().load(path: Self.root + "/playbooks/bootstrap.yaml").get()
    func packageSteps(_ inputs: KubernetesInputs) throws -> [PlannedStep] {
      var kinds = try PlanFixtures.registry(inv)
      kinds.merge(KubernetesKinds.all(inputs)) { _, these in these }
      let plan = try Planner(kinds: kinds).plan(inv, playbook: book).get()
      return plan.steps.filter { $0.kind == "node.packages" && $0.host == "worker-aws-1" }
    }
    let repositories = try packageSteps(.placeholder)
    #expect(repositories.map(\.summary) == [
      "conntrack, ip, iptables, mount, nsenter in PATH: conntrack iproute2 iptables mount util-linux from the host's package repositories"
    ])
    var cached = KubernetesInputs.placeholder
    cached.artifacts.nodePackages = ["conntrack_1.4.7-1+b2_amd64.deb", "iptables_1.8.9-2_amd64.deb"].map {
      LocalArtifact(path: "cache/node-packages/debian12/\($0)", sha256: String(repeating: "5", count: 64))
    }
    let airgapped = try packageSteps(cached)
    #expect(airgapped.map(\.action) == [.create, .create, .create, .run])
    guard case .command(let argv, let unless)? = airgapped.last?.operation else { Issue.record("not a command"); return }
    #expect(argv.last?.contains("dpkg -i") == true && argv.last?.contains("/var/lib/bulwark/packages/iptables_1.8.9-2_amd64.deb") == true)
    #expect(unless.last == KubernetesScripts.commandsPresent(["conntrack", "ip", "iptables", "mount", "nsenter"]))
  }
}

/// A TCP listener on 127.0.0.1 at a port the kernel picks.
final class Listener {
  let fd: Int32
  let port: Int
  init() throws {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { p in
      p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && listen(s, 1) == 0 && getsockname(s, $0, &len) == 0 }
    }
    guard ok else { throw POSIXError(.EADDRINUSE) }
    fd = s
    port = Int(UInt16(bigEndian: addr.sin_port))
  }
  func close() { _ = Glibc.close(fd) }
}
