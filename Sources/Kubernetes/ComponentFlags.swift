import Inventory

/// The hardened settings of the Kubernetes components (HARDENING.md §3–§6), as data: the flags
/// kubeadm passes to kube-apiserver, kube-controller-manager and kube-scheduler, and the kubelet's
/// configuration fields. The kubeadm configuration renders them; the component checks read them.
public enum ComponentFlags {
  public static let pki = "/etc/kubernetes/pki"
  public static let auditPolicy = "/etc/kubernetes/policies/audit-policy.yaml"
  public static let auditLog = "/var/log/kubernetes/audit/audit.log"
  public static let encryptionConfig = "/etc/kubernetes/policies/encryption-config.yaml"
  public static let admissionConfig = "/etc/kubernetes/policies/admission-config.yaml"
  public static let authenticationConfig = "/etc/kubernetes/policies/authentication-config.yaml"
  /// The kubelet's serving certificate, issued by Bulwark's Kubernetes CA for that node's name and
  /// addresses (so no serving CSR waits for an approver; the apiserver verifies it, A5).
  public static let kubeletServingCertificate = "/var/lib/kubelet/pki/kubelet-serving.crt"
  public static let kubeletServingKey = "/var/lib/kubelet/pki/kubelet-serving.key"

  /// TLS 1.2 suites with forward secrecy and AEAD only (A29, K12).
  public static let cipherSuites = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  ]

  /// kube-apiserver: A1–A30. A1: anonymous requests reach only `Policies.anonymousPaths`.
  public static func apiServer(etcdEndpoints: [String]) -> [(name: String, value: String)] {
    [
      ("authentication-config", authenticationConfig),
      ("authorization-mode", "Node,RBAC"),
      ("enable-admission-plugins", "NodeRestriction,EventRateLimit,DenyServiceExternalIPs,AlwaysPullImages,LimitRanger,ResourceQuota"),
      ("admission-control-config-file", admissionConfig),
      ("profiling", "false"),
      ("audit-policy-file", auditPolicy),
      ("audit-log-path", auditLog),
      ("audit-log-maxage", "30"),
      ("audit-log-maxbackup", "10"),
      ("audit-log-maxsize", "100"),
      ("request-timeout", "120s"),
      ("service-account-lookup", "true"),
      ("service-account-extend-token-expiration", "false"),
      ("encryption-provider-config", encryptionConfig),
      ("kubelet-certificate-authority", "\(pki)/ca.crt"),
      ("tls-min-version", "VersionTLS12"),
      ("tls-cipher-suites", cipherSuites.joined(separator: ",")),
      ("etcd-servers", etcdEndpoints.joined(separator: ",")),
    ]
  }

  /// kube-controller-manager: C1–C7.
  public static let controllerManager: [(name: String, value: String)] = [
    ("terminated-pod-gc-threshold", "50"),
    ("profiling", "false"),
    ("use-service-account-credentials", "true"),
    ("bind-address", "127.0.0.1"),
    ("feature-gates", "RotateKubeletServerCertificate=true"),
  ]

  /// kube-scheduler: S1–S2.
  public static let scheduler: [(name: String, value: String)] = [
    ("profiling", "false"),
    ("bind-address", "127.0.0.1"),
  ]
}
