import Etcd
import Inventory

/// What joining the cluster takes: a bootstrap token, the CA's public-key pin, and (control planes)
/// the key the uploaded certificates are encrypted with. Bulwark makes and keeps all three in the
/// state dir, and owns the Kubernetes CA, so nothing has to be read back from `kubeadm init`.
public struct JoinCredentials: Sendable {
  public var token: String
  public var caCertHash: String
  public var certificateKey: String
  public init(token: String, caCertHash: String, certificateKey: String) {
    self.token = token
    self.caCertHash = caCertHash
    self.certificateKey = certificateKey
  }
}

/// kubeadm's configuration (the API version the minor takes, `apiVersion`) for a cluster with Bulwark's external etcd: InitConfiguration
/// and ClusterConfiguration for the first control plane, JoinConfiguration for the others and for
/// workers, and the KubeletConfiguration with the hardened K items. Rendered as text, golden-tested.
public struct KubeadmConfig: Sendable {
  public let inventory: Inventory
  public init(_ inventory: Inventory) { self.inventory = inventory }

  var controlPlanes: [ClusterHost] { inventory.hosts(with: .controlPlane) }

  /// The kubeadm configuration API the inventory's minor takes (`KubernetesRequirements`); a minor
  /// without requirements is refused before rendering, so the fallback is never written for one.
  public var apiVersion: String {
    inventory.versions.kubernetes.flatMap { KubernetesRequirements.forVersion($0) }?.kubeadmAPIVersion ?? "kubeadm.k8s.io/v1beta4"
  }

  /// Every name the apiserver certificate must carry.
  public var certSANs: [String] {
    var names: [String] = []
    for e in [inventory.endpoint].compactMap({ $0 }) + inventory.siteEndpoints {
      if let a = e.address { names.append(a.description) }
    }
    names.append("127.0.0.1")
    for cp in controlPlanes { names += [cp.name, cp.address.description] }
    var seen = Set<String>()
    return names.filter { seen.insert($0).inserted }
  }

  public func initConfiguration(for host: ClusterHost, credentials: JoinCredentials) -> String {
    """
    apiVersion: \(apiVersion)
    kind: InitConfiguration
    bootstrapTokens:
      - token: "\(credentials.token)"
        description: "bulwark: joins nodes"
        ttl: 2h0m0s
        usages: [signing, authentication]
        groups: ["system:bootstrappers:kubeadm:default-node-token"]
    certificateKey: "\(credentials.certificateKey)"
    localAPIEndpoint:
      advertiseAddress: \(host.address)
      bindPort: 6443
    nodeRegistration:
      name: \(host.name)
      criSocket: unix:///run/containerd/containerd.sock
    \(taints(host))skipPhases:
      - addon/kube-proxy
    ---
    \(clusterConfiguration())---
    \(kubeletConfiguration())
    """
  }

  func taints(_ host: ClusterHost) -> String {
    let list = host.taints.isEmpty && !host.has(.worker) ? ["node-role.kubernetes.io/control-plane:NoSchedule"] : host.taints
    guard !list.isEmpty else { return "  taints: []\n" }
    return "  taints:\n" + list.map { t -> String in
      let parts = t.split(separator: ":"), kv = parts[0].split(separator: "=", maxSplits: 1)
      var line = "    - key: \(kv[0])\n"
      if kv.count == 2 { line += "      value: \(kv[1])\n" }
      return line + "      effect: \(parts.count > 1 ? String(parts[1]) : "NoSchedule")\n"
    }.joined()
  }

  public func clusterConfiguration() -> String {
    let etcd = EtcdLayout(inventory)
    let pki = ComponentFlags.pki
    var l = [
      "apiVersion: \(apiVersion)",
      "kind: ClusterConfiguration",
      "clusterName: \(inventory.name)",
      "kubernetesVersion: v\(inventory.versions.kubernetes?.description ?? "?")",
      "controlPlaneEndpoint: \(inventory.apiEndpointAddress)",
      "encryptionAlgorithm: ECDSA-P256",
      "networking:",
      "  podSubnet: \(inventory.network.podCIDR)",
      "  serviceSubnet: \(inventory.network.serviceCIDR)",
      "  dnsDomain: \(inventory.network.clusterDomain)",
      "etcd:",
      "  external:",
      "    endpoints:",
    ]
    l += etcd.members.map { "      - \(EtcdLayout.clientURL($0))" }
    l += [
      "    caFile: \(pki)/etcd/ca.crt",
      "    certFile: \(pki)/apiserver-etcd-client.crt",
      "    keyFile: \(pki)/apiserver-etcd-client.key",
      "apiServer:",
      "  certSANs:",
    ]
    l += certSANs.map { "    - \"\($0)\"" }
    func args(_ list: [(name: String, value: String)]) -> [String] {
      ["  extraArgs:"] + list.flatMap { ["    - name: \($0.name)", "      value: \"\($0.value)\""] }
    }
    l += args(ComponentFlags.apiServer(etcdEndpoints: etcd.members.map(EtcdLayout.clientURL)))
    l.append("  extraVolumes:")
    for (name, path, readOnly) in [("policies", "/etc/kubernetes/policies", true), ("audit-log", "/var/log/kubernetes/audit", false)] {
      l += ["    - name: \(name)", "      hostPath: \(path)", "      mountPath: \(path)", "      readOnly: \(readOnly)",
        "      pathType: DirectoryOrCreate"]
    }
    l.append("controllerManager:")
    l += args(ComponentFlags.controllerManager)
    l.append("scheduler:")
    l += args(ComponentFlags.scheduler)
    return l.joined(separator: "\n") + "\n"
  }

  /// A control plane after the first joins with the uploaded certificates.
  public func joinConfiguration(for host: ClusterHost, controlPlane: Bool, credentials: JoinCredentials) -> String {
    var text = """
      apiVersion: \(apiVersion)
      kind: JoinConfiguration
      discovery:
        bootstrapToken:
          apiServerEndpoint: \(inventory.apiEndpointAddress(for: host))
          token: "\(credentials.token)"
          caCertHashes:
            - "\(credentials.caCertHash)"
      nodeRegistration:
        name: \(host.name)
        criSocket: unix:///run/containerd/containerd.sock
      \(taints(host))
      """
    if controlPlane {
      text += """
        controlPlane:
          localAPIEndpoint:
            advertiseAddress: \(host.address)
            bindPort: 6443
          certificateKey: "\(credentials.certificateKey)"

        """
    }
    return text
  }

  /// The kubelet's configuration: K1–K16 (HARDENING.md §6).
  public func kubeletConfiguration() -> String {
    """
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    cgroupDriver: systemd
    authentication:
      anonymous:
        enabled: false
      webhook:
        enabled: true
      x509:
        clientCAFile: \(ComponentFlags.pki)/ca.crt
    authorization:
      mode: Webhook
    readOnlyPort: 0
    streamingConnectionIdleTimeout: 5m
    makeIPTablesUtilChains: true
    eventRecordQPS: 1
    serverTLSBootstrap: true
    rotateCertificates: true
    featureGates:
      RotateKubeletServerCertificate: true
    tlsMinVersion: VersionTLS12
    tlsCipherSuites:
    \(ComponentFlags.cipherSuites.map { "  - \($0)\n" }.joined())podPidsLimit: 4096
    seccompDefault: true
    protectKernelDefaults: true

    """
  }
}
