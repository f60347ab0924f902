/// A piece of software Bulwark installs and can be matched against advisories. The Kubernetes
/// binaries share one version in a kubeadm cluster but are listed apart, since most advisories name one.
public enum Component: String, CaseIterable, Codable, Sendable, Comparable {
  case kubeAPIServer = "kube-apiserver"
  case kubeControllerManager = "kube-controller-manager"
  case kubelet
  case kubeProxy = "kube-proxy"
  case kubeadm
  case etcd
  case containerd
  case runc
  case openssh

  /// The Kubernetes binaries, which `"kubernetes"` stands for in the data file.
  public static let kubernetes: [Component] = [.kubeAPIServer, .kubeControllerManager, .kubelet, .kubeProxy, .kubeadm]

  /// Debian package names that carry this component on a host (Debian's own and the projects' repos).
  public var debianPackages: [String] {
    switch self {
    case .openssh: return ["openssh-server", "openssh-client"]
    case .containerd: return ["containerd", "containerd.io"]
    case .runc: return ["runc"]
    case .etcd: return ["etcd-server", "etcd"]
    case .kubelet: return ["kubelet"]
    case .kubeadm: return ["kubeadm"]
    case .kubeAPIServer, .kubeControllerManager, .kubeProxy: return []
    }
  }

  public var isKubernetes: Bool { Component.kubernetes.contains(self) }

  public static func < (a: Component, b: Component) -> Bool {
    (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
  }

  /// The components a name in the data file stands for: one, or all of Kubernetes for `kubernetes`.
  public static func named(_ name: String) -> [Component]? {
    if name == "kubernetes" { return kubernetes }
    return Component(rawValue: name).map { [$0] }
  }
}
