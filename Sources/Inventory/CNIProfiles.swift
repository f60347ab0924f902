/// One kind of traffic a CNI sends between Kubernetes nodes, as the host firewall must let it in.
public struct NodeTraffic: Sendable, Hashable {
  public enum Transport: Sendable, Hashable {
    case tcp(Int), udp(Int)
    /// A port range, both ends included (the NodePort range).
    case tcpRange(Int, Int), udpRange(Int, Int)
    /// An IP protocol number with no ports (IP-in-IP is 4).
    case ipProtocol(Int)
  }
  public var transport: Transport
  /// What the traffic is for, as the firewall rule's comment says it.
  public var purpose: String

  public init(_ transport: Transport, _ purpose: String) {
    self.transport = transport
    self.purpose = purpose
  }

  /// The nftables match: `tcp dport 179`, `udp dport 4789`, `meta l4proto 4`.
  public var nftMatch: String {
    switch transport {
    case .tcp(let p): return "tcp dport \(p)"
    case .udp(let p): return "udp dport \(p)"
    case .tcpRange(let a, let b): return "tcp dport \(a)-\(b)"
    case .udpRange(let a, let b): return "udp dport \(a)-\(b)"
    case .ipProtocol(let n): return "meta l4proto \(n)"
    }
  }

  /// The netpol list form: `TCP 179`, `UDP 4789`, `IPPROTO 4`.
  public var connection: String {
    switch transport {
    case .tcp(let p): return "TCP \(p)"
    case .udp(let p): return "UDP \(p)"
    case .tcpRange(let a, let b): return "TCP \(a)-\(b)"
    case .udpRange(let a, let b): return "UDP \(a)-\(b)"
    case .ipProtocol(let n): return "IPPROTO \(n)"
    }
  }
}

/// How a CNI's own agents reach the Kubernetes API.
public enum CNIAPIAccess: Sendable, Hashable {
  /// Through the `kubernetes` Service's ClusterIP, which kube-proxy translates to an apiserver: the
  /// apiserver sees the node's address or, unmasqueraded, a pod's.
  case serviceClusterIP
  /// The API endpoint's own address and port (there is no kube-proxy to translate the ClusterIP):
  /// Cilium's `k8sServiceHost` and `k8sServicePort`.
  case endpointAddress
}

/// A supported CNI as data: where its manifest comes from, what it needs between nodes, from the
/// kernel and from the API, and whether it replaces kube-proxy. The host firewall, kubeadm's
/// configuration and the docs render from it; each fact names the upstream source it comes from.
public struct CNIProfile: Sendable {
  public enum ID: String, Sendable, CaseIterable {
    case calicoIPIP = "calico-ipip", calicoIPIPTypha = "calico-ipip-typha", calicoVXLAN = "calico-vxlan"
    case ciliumVXLAN = "cilium-vxlan", ciliumVXLANKubeProxyFree = "cilium-vxlan-kube-proxy-free"
  }
  public var id: ID
  /// The upstream manifest the `cni` artifact must be (or be rendered from), with `{version}`.
  public var manifest: String
  /// Between every pair of Kubernetes nodes (control planes and workers), both ways.
  public var nodeToNode: [NodeTraffic]
  /// Kernel modules the data path loads.
  public var modules: [String]
  /// Kernel parameters the data path needs, beyond kubeadm's own (`net.ipv4.ip_forward`).
  public var sysctls: [(key: String, value: String)]
  /// True when the CNI handles Services itself, so kubeadm skips its kube-proxy add-on.
  public var replacesKubeProxy: Bool
  public var apiAccess: CNIAPIAccess
  /// Where these facts come from, path@version.
  public var sources: [String]

  /// The profile an inventory's CNI selects: the plugin, its mode (the plugin's upstream default
  /// when not given), Typha and kube-proxy replacement. nil for a combination no profile covers
  /// (the validator reports it, `InventoryValidator`'s CNI rules).
  public static func select(_ cni: CNI) -> CNIProfile? {
    switch (cni.plugin, cni.mode ?? defaultMode(cni.plugin), cni.typha, cni.kubeProxyReplacement) {
    case (.calico, .ipip, false, false): return calicoIPIP
    case (.calico, .ipip, true, false): return calicoIPIPTypha
    case (.calico, .vxlan, false, false): return calicoVXLAN
    case (.cilium, .vxlan, false, false): return ciliumVXLAN
    case (.cilium, .vxlan, false, true): return ciliumVXLANKubeProxyFree
    default: return nil
    }
  }

  /// Calico's manifest default is IP-in-IP (manifests/calico.yaml: `CALICO_IPV4POOL_IPIP: Always`);
  /// Cilium's is a VXLAN tunnel (install/kubernetes/cilium/values.yaml: `tunnelProtocol`).
  public static func defaultMode(_ plugin: CNIPlugin) -> CNIMode {
    plugin == .calico ? .ipip : .vxlan
  }

  public static let all: [CNIProfile] = [calicoIPIP, calicoIPIPTypha, calicoVXLAN, ciliumVXLAN, ciliumVXLANKubeProxyFree]

  // Calico: "Network requirements", docs.projectcalico.org/v3.16/getting-started/kubernetes/requirements
  // (the same table through docs.tigera.io/calico 3.28): BGP TCP 179 between all nodes, IP-in-IP
  // (protocol 4) when IP-in-IP is on (the default), UDP 4789 when VXLAN is on, TCP 5473 into Typha
  // hosts. The manifests: projectcalico/calico manifests/calico.yaml (`calico_backend: "bird"`,
  // IP-in-IP), manifests/calico-vxlan.yaml (`calico_backend: "vxlan"`: no BIRD, so no BGP),
  // manifests/calico-typha.yaml (Typha on). Interfaces `tunl*` (ipip) and `vxlan.calico` (vxlan).
  static let calicoSources = [
    "docs.projectcalico.org/v3.16/getting-started/kubernetes/requirements (Network requirements)",
    "projectcalico/calico manifests/calico.yaml, calico-vxlan.yaml, calico-typha.yaml",
  ]
  static let bgp = NodeTraffic(.tcp(179), "Calico BGP (BIRD) between nodes")
  static let ipip = NodeTraffic(.ipProtocol(4), "Calico IP-in-IP between nodes")

  public static let calicoIPIP = CNIProfile(
    id: .calicoIPIP, manifest: "https://raw.githubusercontent.com/projectcalico/calico/v{version}/manifests/calico.yaml",
    nodeToNode: [bgp, ipip], modules: ["ipip"], sysctls: [], replacesKubeProxy: false, apiAccess: .serviceClusterIP,
    sources: calicoSources)
  public static let calicoIPIPTypha = CNIProfile(
    id: .calicoIPIPTypha, manifest: "https://raw.githubusercontent.com/projectcalico/calico/v{version}/manifests/calico-typha.yaml",
    nodeToNode: [bgp, ipip, NodeTraffic(.tcp(5473), "Calico Typha (calico-node to Typha, which runs on any node)")],
    modules: ["ipip"], sysctls: [], replacesKubeProxy: false, apiAccess: .serviceClusterIP, sources: calicoSources)
  public static let calicoVXLAN = CNIProfile(
    id: .calicoVXLAN, manifest: "https://raw.githubusercontent.com/projectcalico/calico/v{version}/manifests/calico-vxlan.yaml",
    nodeToNode: [NodeTraffic(.udp(4789), "Calico VXLAN between nodes")], modules: ["vxlan"], sysctls: [],
    replacesKubeProxy: false, apiAccess: .serviceClusterIP, sources: calicoSources)

  // Cilium: cilium/cilium Documentation/operations/system_requirements.rst@00c88111 ("Firewall
  // Rules"): VXLAN UDP 8472 among all nodes, cilium-health TCP 4240 (and ICMP echo, which the table
  // admits for every host), Hubble server TCP 4244 on each node (Relay dials it); the note that
  // systemd 245+ overrides `rp_filter` on Cilium's `lxc*` interfaces, which must be 0. The manifest
  // is the Helm chart (install/kubernetes/cilium) rendered with `helm template`; kube-proxy
  // replacement is `kubeProxyReplacement: true` with `k8sServiceHost`/`k8sServicePort`
  // (install/kubernetes/cilium/values.yaml).
  static let ciliumSources = [
    "cilium/cilium Documentation/operations/system_requirements.rst@00c88111 (Firewall Rules)",
    "cilium/cilium install/kubernetes/cilium/values.yaml (tunnelProtocol, kubeProxyReplacement, k8sServiceHost)",
  ]
  static let ciliumTraffic = [
    NodeTraffic(.udp(8472), "Cilium VXLAN between nodes"),
    NodeTraffic(.tcp(4240), "cilium-health between nodes"),
    NodeTraffic(.tcp(4244), "Hubble server (Hubble Relay dials every node)"),
  ]
  static let ciliumManifest = "helm template cilium cilium/cilium --version {version} --namespace kube-system (install/kubernetes/cilium)"

  public static let ciliumVXLAN = CNIProfile(
    id: .ciliumVXLAN, manifest: ciliumManifest + " --set tunnelProtocol=vxlan",
    nodeToNode: ciliumTraffic, modules: ["vxlan"], sysctls: [("net.ipv4.conf.lxc*.rp_filter", "0")],
    replacesKubeProxy: false, apiAccess: .serviceClusterIP, sources: ciliumSources)
  public static let ciliumVXLANKubeProxyFree = CNIProfile(
    id: .ciliumVXLANKubeProxyFree,
    manifest: ciliumManifest + " --set tunnelProtocol=vxlan,kubeProxyReplacement=true,k8sServiceHost=HOST,k8sServicePort=PORT",
    nodeToNode: ciliumTraffic, modules: ["vxlan"], sysctls: [("net.ipv4.conf.lxc*.rp_filter", "0")],
    replacesKubeProxy: true, apiAccess: .endpointAddress, sources: ciliumSources)
}

extension Inventory {
  /// The CNI profile the inventory selects; nil without a CNI (or for a combination the validator
  /// refuses).
  public var cniProfile: CNIProfile? { kubernetes.cni.flatMap(CNIProfile.select) }

  /// True unless the CNI profile handles Services itself: kubeadm then installs kube-proxy.
  public var needsKubeProxy: Bool { !(cniProfile?.replacesKubeProxy ?? false) }
}
