import Inventory

/// The systemd unit of one member. Every setting is a flag, so `ps` and kube-bench see them
/// (HARDENING.md E1 to E7, E11, E12).
public enum EtcdUnit {
  /// TLS 1.2 suites limited to ECDHE with AES-GCM (E12); TLS 1.3 suites are not configurable.
  static let cipherSuites = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  ]

  public static func flags(for member: ClusterHost, in layout: EtcdLayout) -> [String] {
    typealias F = EtcdLayout.PKIFile
    let client = EtcdLayout.clientURL(member), peer = EtcdLayout.peerURL(member)
    return [
      "--name=\(member.name)",
      "--data-dir=\(EtcdLayout.dataDirectory)",
      "--listen-client-urls=\(client),https://127.0.0.1:\(EtcdLayout.clientPort)",
      "--advertise-client-urls=\(client)",
      "--listen-peer-urls=\(peer)",
      "--initial-advertise-peer-urls=\(peer)",
      "--initial-cluster-token=\(layout.clusterName)-etcd",
      "--client-cert-auth=true",
      "--trusted-ca-file=\(F.ca.path)",
      "--cert-file=\(F.serverCert.path)",
      "--key-file=\(F.serverKey.path)",
      "--peer-client-cert-auth=true",
      "--peer-trusted-ca-file=\(F.ca.path)",
      "--peer-cert-file=\(F.peerCert.path)",
      "--peer-key-file=\(F.peerKey.path)",
      "--auto-tls=false",
      "--peer-auto-tls=false",
      "--cipher-suites=\(cipherSuites.joined(separator: ","))",
      "--listen-metrics-urls=\(EtcdLayout.metricsURL)",
      "--enable-pprof=false",
      "--logger=zap",
    ]
  }

  /// Type=notify: systemd calls the member started once it serves, which for a new cluster means
  /// once it has quorum. Initial members are therefore started without waiting (see the member step).
  /// The initial cluster (its members, new or existing) lives in an environment file written once,
  /// when the member is created, so the unit itself never changes with membership.
  public static func render(for member: ClusterHost, in layout: EtcdLayout) -> String {
    let flags = flags(for: member, in: layout).map { "  \($0)" }.joined(separator: " \\\n")
    return """
      # Managed by Bulwark: etcd \(layout.version) member \(member.name) of cluster \(layout.clusterName).
      [Unit]
      Description=etcd key-value store (member \(member.name))
      Documentation=https://etcd.io/docs/
      After=network-online.target
      Wants=network-online.target

      [Service]
      Type=notify
      User=etcd
      Group=etcd
      EnvironmentFile=-\(EtcdLayout.initialClusterFile)
      ExecStart=\(layout.etcd) \\
      \(flags)
      Restart=on-failure
      RestartSec=5s
      TimeoutStartSec=120s

      [Install]
      WantedBy=multi-user.target

      """
  }
}
