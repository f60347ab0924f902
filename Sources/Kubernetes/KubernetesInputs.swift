import Planning

/// What the Kubernetes kinds need besides the inventory, gathered before planning: the artifacts,
/// the state dir's CA and secrets, the etcd client certificate for the apiservers, and the facts.
public struct KubernetesInputs: Sendable {
  public var artifacts: KubernetesArtifacts
  public var files: KubernetesState.Files
  public var etcdCA: LocalArtifact
  public var etcdClientCertificate: LocalArtifact
  public var etcdClientKey: LocalArtifact
  public var facts: KubernetesClusterFacts
  /// Where the admin kubeconfig is kept on the controller (0600).
  public var adminKubeconfig: String

  public init(
    artifacts: KubernetesArtifacts, files: KubernetesState.Files, etcdCA: LocalArtifact,
    etcdClientCertificate: LocalArtifact, etcdClientKey: LocalArtifact, facts: KubernetesClusterFacts,
    adminKubeconfig: String
  ) {
    self.artifacts = artifacts
    self.files = files
    self.etcdCA = etcdCA
    self.etcdClientCertificate = etcdClientCertificate
    self.etcdClientKey = etcdClientKey
    self.facts = facts
    self.adminKubeconfig = adminKubeconfig
  }
}

extension KubernetesInputs {
  /// Inputs with nothing resolved: for naming the kinds, and plans made without a state dir.
  public static let placeholder = KubernetesInputs(
    artifacts: KubernetesArtifacts(), files: KubernetesState.Files(artifacts: [:], created: true),
    etcdCA: LocalArtifact(path: "?", sha256: nil), etcdClientCertificate: LocalArtifact(path: "?", sha256: nil),
    etcdClientKey: LocalArtifact(path: "?", sha256: nil), facts: .fresh, adminKubeconfig: "(state dir)/admin.conf")
}

/// Paths on the hosts.
public enum KubernetesPaths {
  public static let root = "/etc/kubernetes"
  public static let bulwark = "/etc/kubernetes/bulwark"
  public static let kubeadmConfig = "/etc/kubernetes/bulwark/kubeadm.yaml"
  public static let token = "/etc/kubernetes/bulwark/token"
  public static let policies = "/etc/kubernetes/policies"
  public static let adminConf = "/etc/kubernetes/admin.conf"
  public static let kubeletConf = "/etc/kubernetes/kubelet.conf"
  public static let packages = "/var/lib/bulwark/packages"
  public static let kubeadm = "\(NodeFiles.binDirectory)/kubeadm"
  public static let kubectlBinary = "\(NodeFiles.binDirectory)/kubectl"
}
