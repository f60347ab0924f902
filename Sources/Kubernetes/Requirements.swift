import Inventory
import Support

/// What one Kubernetes minor asks of its nodes and takes in its configuration, read in the upstream
/// sources; each fact carries its source (repository path @ commit or tag, or kubernetes.io page)
/// next to it. The renderer refuses a minor that is not here (`KubernetesRequirements.check`), the
/// kubeadm configuration takes its API version from here, and the live plan's preflight
/// (`NodePreflight`) measures every node against it.
///
/// Sources that hold for every minor below, unless an entry says otherwise:
/// - preflight: kubernetes/kubernetes cmd/kubeadm/app/preflight/checks.go @00b6a4c7 (InitNodeChecks,
///   JoinNodeChecks, addCommonChecks) and checks_linux.go @039c72e8 (addExecChecks, MemCheck), the
///   versions the source index holds; checks_linux.go there already carries the v1.32 conntrack gate
///   (kubernetes/kubernetes#126952), so it is at least v1.32.
/// - limits: cmd/kubeadm/app/constants/constants.go (ControlPlaneNumCPU = 2, ControlPlaneMem = 1700,
///   KubeletPort 10250, KubeSchedulerPort 10259, KubeControllerManagerPort 10257, CRISocketContainerd).
/// - ports: kubernetes/website content/en/docs/reference/networking/ports-and-protocols.md @3842a284.
public struct KubernetesRequirements: Sendable, Equatable {
  public enum CgroupV1: String, Sendable, Equatable {
    /// kubeadm's SystemVerification warns, the kubelet runs.
    case warned
    /// kubeadm's SystemVerification fails and the kubelet refuses to start (failCgroupV1 true).
    case refused
  }

  public var minor: Int
  /// kubernetes.io/releases/1.N: the date upstream stops patching it.
  public var endOfLife: String
  /// The kubeadm configuration API versions this kubeadm reads; the first is the one rendered.
  public var kubeadmAPIVersions: [String]
  /// InPathCheck{mandatory: true}: kubeadm's preflight fails without them.
  public var requiredBinaries: [String]
  /// InPathCheck{mandatory: false}: kubeadm warns.
  public var optionalBinaries: [String]
  public var controlPlaneCPUs: Int
  public var controlPlaneMemoryMB: Int
  /// SwapCheck: a warning ("swap is supported for cgroup v2 only"); the kubelet's failSwapOn
  /// (default true) is what refuses to start. Node preparation turns swap off either way.
  public var swapIsWarning: Bool
  public var cgroupV1: CgroupV1
  /// FileContentCheck (addIPv4Checks): /proc/sys/net/ipv4/ip_forward must read 1 for IPv4 clusters.
  public var sysctls: [String: String]
  /// Not a kubeadm check (it dropped its bridge-netfilter check); the container-runtime setup page
  /// (kubernetes.io/docs/setup/production-environment/container-runtimes/) asks for them, and the
  /// kubelet and CNIs need them for bridged pod traffic.
  public var kernelModules: [String]
  /// PortOpenCheck on a first or joining control plane (external etcd: 2379-2380 not checked).
  public var controlPlanePortsFree: [Int]
  /// PortOpenCheck in addCommonChecks: every node, the kubelet's port.
  public var nodePortsFree: [Int]
  /// "Ports and Protocols": what each role must let in.
  public var controlPlanePorts: [PortRule]
  public var workerPorts: [PortRule]
  /// ContainerRuntimeCheck dials nodeRegistration.criSocket.
  public var runtimeSocket: String
  /// kube-apiserver flags gone by this minor (the apiserver refuses to start with one).
  public var removedAPIServerFlags: [String]
  /// Feature gates gone by this minor (a component refuses an unknown gate).
  public var removedFeatureGates: [String]

  /// One inbound rule of "Ports and Protocols".
  public struct PortRule: Sendable, Equatable, CustomStringConvertible {
    public var proto: String
    public var ports: ClosedRange<Int>
    public var purpose: String
    public var usedBy: String
    public init(_ proto: String, _ ports: ClosedRange<Int>, _ purpose: String, usedBy: String) {
      self.proto = proto
      self.ports = ports
      self.purpose = purpose
      self.usedBy = usedBy
    }
    public var description: String {
      "\(proto) \(ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)") (\(purpose))"
    }
  }

  /// The API version the renderer writes for this minor.
  public var kubeadmAPIVersion: String { kubeadmAPIVersions[0] }
}

extension KubernetesRequirements {
  /// Every minor Bulwark renders for: the three upstream supports at the end of 2026 and the one
  /// before them, as the source of an upgrade.
  public static let all: [KubernetesRequirements] = [v1_34, v1_35, v1_36, v1_37]

  public static func forMinor(_ minor: Int) -> KubernetesRequirements? { all.first { $0.minor == minor } }
  public static func forVersion(_ v: Version) -> KubernetesRequirements? { v.major == 1 ? forMinor(v.minor) : nil }

  /// What every minor here shares; each minor below says only what differs.
  static let common = KubernetesRequirements(
    minor: 0, endOfLife: "",
    // v1beta4 since v1.31 (kubernetes/kubernetes#125029: "v1beta3 is now marked as deprecated").
    kubeadmAPIVersions: ["kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1beta3"],
    // checks_linux.go @039c72e8 addExecChecks: conntrack only below v1.32.0.
    requiredBinaries: ["ip", "iptables", "mount", "nsenter"],
    optionalBinaries: ["ebtables", "ethtool", "socat", "tc", "touch"],
    controlPlaneCPUs: 2, controlPlaneMemoryMB: 1700,
    swapIsWarning: true,
    cgroupV1: .warned,
    sysctls: ["net.ipv4.ip_forward": "1"],
    kernelModules: ["overlay", "br_netfilter"],
    // InitNodeChecks: localAPIEndpoint.bindPort, KubeSchedulerPort, KubeControllerManagerPort;
    // addCommonChecks: KubeletPort.
    controlPlanePortsFree: [6443, 10259, 10257, 10250],
    nodePortsFree: [10250],
    controlPlanePorts: [
      PortRule("tcp", 6443...6443, "Kubernetes API server", usedBy: "all"),
      PortRule("tcp", 2379...2380, "etcd server client API", usedBy: "kube-apiserver, etcd"),
      PortRule("tcp", 10250...10250, "kubelet API", usedBy: "self, control plane"),
      PortRule("tcp", 10259...10259, "kube-scheduler", usedBy: "self"),
      PortRule("tcp", 10257...10257, "kube-controller-manager", usedBy: "self"),
    ],
    workerPorts: [
      PortRule("tcp", 10250...10250, "kubelet API", usedBy: "self, control plane"),
      PortRule("tcp", 10256...10256, "kube-proxy", usedBy: "self, load balancers"),
      PortRule("tcp", 30000...32767, "NodePort Services", usedBy: "all"),
    ],
    // constants.go CRISocketContainerd = unix:///var/run/containerd/containerd.sock (/var/run is
    // /run on Debian 12).
    runtimeSocket: "unix:///run/containerd/containerd.sock",
    // Gone from kube-apiserver in v1.33 with the in-tree cloud providers: rancher/rke2#8136 ("Remove
    // kube-apiserver flags removed by upstream", release-1.33) and
    // clastix/cluster-api-control-plane-provider-kamaji#200 ("no longer available since Kubernetes 1.33").
    removedAPIServerFlags: ["cloud-provider", "cloud-config"],
    // GA in v1.19 and removed in v1.20 (kubernetes/kubernetes#91780, #97306).
    removedFeatureGates: ["RotateKubeletClientCertificate"])

  /// kubernetes.io/releases: 1.34 ended its patch support on 2026-10-27; kept as an upgrade source.
  public static let v1_34: KubernetesRequirements = {
    var r = common
    r.minor = 34
    r.endOfLife = "2026-10-27"
    return r
  }()

  /// kubernetes.io/releases/1.35: end of life 2027-02-28.
  public static let v1_35: KubernetesRequirements = {
    var r = common
    r.minor = 35
    r.endOfLife = "2027-02-28"
    // KEP-5573 (cgroup v1 unsupported): the kubelet's failCgroupV1 defaults to true from v1.35, and
    // kubernetes/system-validators#59 turns kubeadm's cgroup v1 warning into an error.
    r.cgroupV1 = .refused
    return r
  }()

  /// kubernetes.io/releases/1.36: end of life 2027-06-28.
  public static let v1_36: KubernetesRequirements = {
    var r = v1_35
    r.minor = 36
    r.endOfLife = "2027-06-28"
    // kubernetes/kubernetes#136016 (merged 2026-01, the v1.36 cycle): "removed the v1beta3 API which
    // was deprecated since v1.31. The 1.35 kubeadm binary can be used to migrate"; the v1 it adds
    // is a placeholder that "cannot be used yet". The PR also removes kubeadm's PublicKeysECDSA gate.
    r.kubeadmAPIVersions = ["kubeadm.k8s.io/v1beta4"]
    r.removedFeatureGates += ["PublicKeysECDSA"]
    return r
  }()

  /// kubernetes.io/releases/1.37: end of life 2027-10-28.
  public static let v1_37: KubernetesRequirements = {
    var r = v1_36
    r.minor = 37
    r.endOfLife = "2027-10-28"
    return r
  }()
}

extension KubernetesRequirements {
  /// The minors listed, as `1.34, 1.35, …`, for messages.
  public static var minorsText: String { all.map { "1.\($0.minor)" }.joined(separator: ", ") }

  /// Refuses a Kubernetes version whose minor has no requirements here: Bulwark would render a
  /// configuration nobody checked against that minor.
  public static func check(_ inv: Inventory) -> [Diagnostic] {
    guard let v = inv.versions.kubernetes else { return [] }
    let path = "spec.versions.kubernetes"
    guard forVersion(v) != nil else {
      return [.error("kubernetes-minor-unsupported",
        "Kubernetes \(v) is not a minor Bulwark has upstream requirements for (\(minorsText))",
        at: inv.sourceMap.location(path), path: path,
        hint: "pick a patch release of a supported minor (kubernetes.io/releases); 1.\(all[0].minor) is kept only to upgrade from")]
    }
    return []
  }
}
