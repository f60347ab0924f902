import Advisories
import Support

/// A cluster inventory: everything Bulwark knows about the desired cluster.
/// Loaded from YAML by `InventoryLoader`; every field is documented in docs/inventory.md.
public struct Inventory: Sendable, Encodable {
  public var name: String
  public var versions: Versions
  public var network: ClusterNetwork
  public var etcd: EtcdSettings
  public var failureDomains: FailureDomainPolicy
  /// The address every node and kubeconfig uses for the API (kubeadm's controlPlaneEndpoint).
  /// nil means the single control plane is addressed directly.
  public var endpoint: APIEndpoint?
  /// Per-site overrides: nodes in these sites reach the API through another endpoint (hybrid).
  public var siteEndpoints: [APIEndpoint]
  public var sites: [Site]
  public var hosts: [ClusterHost]
  public var ssh: SSHDefaults
  public var artifacts: [String: Artifact]
  public var hardening: Hardening
  public var kubernetes: KubernetesSettings
  /// `spec.security`: the policy for known vulnerabilities (docs/security.md). Not part of the model's JSON.
  public var security: SecuritySettings

  /// Where each value was written: YAML path to position. Not part of the model's JSON.
  public var sourceMap: SourceMap

  private enum CodingKeys: String, CodingKey {
    case name, versions, network, etcd, failureDomains, endpoint, siteEndpoints, sites, hosts, ssh, artifacts,
      hardening, kubernetes
  }
}

public struct SourceMap: Sendable {
  public var file: String
  public var locations: [String: SourceLocation]
  public init(file: String, locations: [String: SourceLocation]) {
    self.file = file
    self.locations = locations
  }
  /// The position of the value at `path`, falling back to its closest recorded parent.
  public func location(_ path: String) -> SourceLocation {
    var p = Substring(path)
    while !p.isEmpty {
      if let l = locations[String(p)] { return l }
      if let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) { p = p[..<cut] } else { break }
    }
    return SourceLocation(file: file, line: 1, column: 1)
  }
}

/// `spec.security`: which known-vulnerable versions refuse, and the accepted risks.
public struct SecuritySettings: Sendable {
  public var vulnerabilities: VulnerabilityPolicy
  public init(vulnerabilities: VulnerabilityPolicy = VulnerabilityPolicy()) { self.vulnerabilities = vulnerabilities }
}

public struct Versions: Sendable, Encodable {
  public var kubernetes: Version?
  public var etcd: Version
  public var containerd: Version?
}

public struct ClusterNetwork: Sendable, Encodable {
  public var podCIDR: CIDR
  public var serviceCIDR: CIDR
  public var clusterDomain: String
}

public enum EtcdTopology: String, Sendable, Encodable, CaseIterable {
  case external, stacked
}

public struct EtcdSettings: Sendable, Encodable {
  public var topology: EtcdTopology
  /// A one-member etcd has no fault tolerance; it must be asked for explicitly.
  public var allowSingleMember: Bool
}

public struct FailureDomainPolicy: Sendable, Encodable {
  /// Accept that losing one site can lose etcd quorum (for example two sites only).
  public var acceptSiteQuorumLoss: Bool
}

public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
  case etcd, controlPlane = "control-plane", worker, lb
  public static func < (a: Role, b: Role) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

public enum EndpointMode: String, Sendable, Encodable, CaseIterable {
  /// keepalived + haproxy carry a virtual IP.
  case vip
  /// An existing cloud or hardware load balancer.
  case loadBalancer
  /// haproxy on every node, pointing at all control planes; nodes use 127.0.0.1.
  case localProxy
}

public struct APIEndpoint: Sendable, Encodable {
  public var mode: EndpointMode
  /// The VIP, or the load balancer's address; nil for localProxy.
  public var address: HostAddress?
  public var port: Int
  /// vip only: which hosts carry keepalived and haproxy.
  public var carriers: Role?
  /// vip only: the interface keepalived binds, when not autodetected.
  public var interface: String?
  /// siteEndpoints only: the sites this endpoint serves.
  public var sites: [String]
  /// The YAML path this endpoint was read from, for diagnostics.
  public var path: String

  private enum CodingKeys: String, CodingKey { case mode, address, port, carriers, interface, sites }
}

public enum SiteKind: String, Sendable, Encodable, CaseIterable {
  case onprem, aws, azure, gcp, other
}

public struct Site: Sendable, Encodable {
  public var name: String
  public var kind: SiteKind
  public var cidr: CIDR?
  public var bastion: Bastion?
  /// The YAML path this site was read from, for diagnostics.
  public var path: String

  private enum CodingKeys: String, CodingKey { case name, kind, cidr, bastion }
}

public struct Bastion: Sendable, Encodable {
  public var address: HostAddress
  public var port: Int
  public var user: String
  public var key: String?
  public var hostKey: String?
}

/// One host of the inventory. Its fields live in one shared box, so a copy is one retain instead of
/// one per field: a plan copies each host into every phase's host list and every expansion context
/// (40 copies a host at 10,000 hosts, 5% of the plan's time when it had eleven fields to retain).
/// Setting a field copies the box first when it is shared, so it is still a value.
public struct ClusterHost: Sendable, Encodable {
  struct Fields: Sendable, Encodable {
    var name: String
    var address: HostAddress
    var port: Int
    var user: String
    var roles: [Role]
    var site: String?
    var labels: [String: String]
    var taints: [String]
    var ssh: HostSSH
    var path: String
    private enum CodingKeys: String, CodingKey { case name, address, port, user, roles, site, labels, taints, ssh }
  }
  /// Written only through `update`, which copies it first unless this value is its only owner.
  private final class Box: @unchecked Sendable {
    var fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }
  private var box: Box

  public init(
    name: String, address: HostAddress, port: Int, user: String, roles: [Role], site: String?, labels: [String: String],
    taints: [String], ssh: HostSSH, path: String
  ) {
    box = Box(Fields(
      name: name, address: address, port: port, user: user, roles: roles, site: site, labels: labels, taints: taints,
      ssh: ssh, path: path))
  }

  private mutating func update(_ change: (inout Fields) -> Void) {
    if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
    change(&box.fields)
  }

  public var name: String { get { box.fields.name } set { update { $0.name = newValue } } }
  public var address: HostAddress { get { box.fields.address } set { update { $0.address = newValue } } }
  public var port: Int { get { box.fields.port } set { update { $0.port = newValue } } }
  public var user: String { get { box.fields.user } set { update { $0.user = newValue } } }
  public var roles: [Role] { get { box.fields.roles } set { update { $0.roles = newValue } } }
  public var site: String? { get { box.fields.site } set { update { $0.site = newValue } } }
  public var labels: [String: String] { get { box.fields.labels } set { update { $0.labels = newValue } } }
  public var taints: [String] { get { box.fields.taints } set { update { $0.taints = newValue } } }
  public var ssh: HostSSH { get { box.fields.ssh } set { update { $0.ssh = newValue } } }
  /// The YAML path this host was read from, for diagnostics.
  public var path: String { get { box.fields.path } set { update { $0.path = newValue } } }

  public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }

  public func has(_ role: Role) -> Bool { box.fields.roles.contains(role) }
}

public struct HostSSH: Sendable, Encodable {
  /// Private key path; overrides the defaults' keys.
  public var key: String?
  /// A pinned public host key, `ssh-ed25519 AAAA…`.
  public var hostKey: String?
  /// Run privileged commands through sudo.
  public var become: Bool
  /// Environment variable that holds the sudo password (never the password itself).
  public var becomePasswordEnv: String?
}

public enum HostKeyPolicy: String, Sendable, Encodable, CaseIterable {
  case strict, acceptNew = "accept-new", pinned
}

public struct SSHDefaults: Sendable, Encodable {
  public var user: String
  public var keys: [String]
  public var agent: Bool
  public var knownHosts: String
  public var hostKeyPolicy: HostKeyPolicy
  public var connectTimeoutSeconds: Int
  public var commandTimeoutSeconds: Int
  public var keepaliveSeconds: Int
  public var concurrency: Int
}

public struct Artifact: Sendable, Encodable {
  public enum Source: Sendable, Encodable, Equatable {
    case file(String)
    case url(String)
  }
  public var source: Source
  public var sha256: String?
}

/// The Kubernetes layer: the CNI, the pinned sandbox image, how upgrades disrupt workloads, and
/// who may reach NodePort Services.
public struct KubernetesSettings: Sendable, Encodable {
  public var cni: CNI?
  /// containerd's pause image; nil means the one kubeadm uses for the Kubernetes version.
  public var sandboxImage: String?
  public var upgrade: UpgradePolicy
  /// `spec.kubernetes.nodePorts.from`: the sources the host firewall lets in to the NodePort range
  /// on every Kubernetes node. Empty (the default) keeps the range closed.
  public var nodePortsFrom: [CIDR]

  public init(cni: CNI? = nil, sandboxImage: String? = nil, upgrade: UpgradePolicy = UpgradePolicy(), nodePortsFrom: [CIDR] = []) {
    self.cni = cni
    self.sandboxImage = sandboxImage
    self.upgrade = upgrade
    self.nodePortsFrom = nodePortsFrom
  }
}

public enum CNIPlugin: String, Sendable, Encodable, CaseIterable {
  case calico, cilium
}

/// How a CNI carries pod traffic between nodes (`spec.kubernetes.cni.mode`).
public enum CNIMode: String, Sendable, Encodable, CaseIterable {
  case ipip, vxlan
}

/// A version-pinned CNI whose manifest comes from the artifact cache (`artifacts.cni`). The plugin
/// and mode select a `CNIProfile`: its ports, modules, sysctls and whether it replaces kube-proxy.
public struct CNI: Sendable, Encodable {
  public var plugin: CNIPlugin
  public var version: Version
  /// nil: the plugin's upstream default (Calico: ipip, Cilium: vxlan).
  public var mode: CNIMode?
  /// Calico only: Typha between calico-node and the API (calico-typha.yaml).
  public var typha: Bool
  /// Cilium only: Cilium's eBPF service handling instead of kube-proxy.
  public var kubeProxyReplacement: Bool

  public init(plugin: CNIPlugin, version: Version, mode: CNIMode? = nil, typha: Bool = false, kubeProxyReplacement: Bool = false) {
    self.plugin = plugin
    self.version = version
    self.mode = mode
    self.typha = typha
    self.kubeProxyReplacement = kubeProxyReplacement
  }
}

public struct UpgradePolicy: Sendable, Encodable {
  /// How many workers may be drained at once, as a share of the workers (at least one).
  public var maxUnavailablePercent: Int
  /// How long a drain may take before the upgrade stops.
  public var drainTimeoutSeconds: Int

  public init(maxUnavailablePercent: Int = 10, drainTimeoutSeconds: Int = 300) {
    self.maxUnavailablePercent = maxUnavailablePercent
    self.drainTimeoutSeconds = drainTimeoutSeconds
  }

  /// Workers per batch: the budget's share of `workers`, rounded up, at least one.
  public func batchSize(workers: Int) -> Int {
    max(1, (workers * maxUnavailablePercent + 99) / 100)
  }
}

public enum HardeningProfile: String, Sendable, Encodable, CaseIterable {
  case cis, none
}

public struct Hardening: Sendable, Encodable {
  public var profile: HardeningProfile
  public var waivers: [Waiver]
}

public struct Waiver: Sendable, Encodable {
  public var id: String
  public var reason: String
  /// ISO date, YYYY-MM-DD.
  public var expires: String?

  public init(id: String, reason: String, expires: String?) {
    self.id = id
    self.reason = reason
    self.expires = expires
  }
}


extension Inventory {
  public func hosts(with role: Role) -> [ClusterHost] { hosts.filter { $0.has(role) } }

  /// etcd members: hosts with the etcd role, or the control planes when stacked.
  public var etcdMembers: [ClusterHost] {
    etcd.topology == .stacked ? hosts(with: .controlPlane) : hosts(with: .etcd)
  }

  public func site(named name: String?) -> Site? { sites.first { $0.name == name } }
}

// MARK: The API endpoint's rules, written once: which endpoint serves a host, who carries a VIP,
// and the address nodes dial.

extension APIEndpoint {
  /// vip only: the role whose hosts carry keepalived and haproxy. `carriers` when given, else `lb`
  /// when the inventory has lb hosts, else the control planes (docs/inventory.md, spec.endpoint).
  public func carrierRole(lbHostsExist: Bool) -> Role {
    carriers ?? (lbHostsExist ? .lb : .controlPlane)
  }

  /// `carrierRole(lbHostsExist:)` for this inventory.
  public func carrierRole(in inv: Inventory) -> Role {
    carrierRole(lbHostsExist: !inv.hosts(with: .lb).isEmpty)
  }

  /// `HOST:PORT` as a node dials it: 127.0.0.1 for a local proxy, else the VIP or load balancer
  /// (IPv6 in brackets; `?` when the address is missing, which the validator refuses).
  public var dialAddress: String {
    switch mode {
    case .localProxy: return "127.0.0.1:\(port)"
    case .vip, .loadBalancer: return "\(address?.urlHost ?? "?"):\(port)"
    }
  }
}

extension HostAddress {
  /// The address as the host part of a URL or `HOST:PORT`: an IPv6 address in brackets.
  public var urlHost: String {
    if case .ip(let ip) = self, !ip.isIPv4 { return "[\(ip)]" }
    return description
  }
}

extension Inventory {
  /// The endpoint that serves hosts in `site`: the site endpoint that lists it, else the main one.
  public func endpoint(servingSite site: String?) -> APIEndpoint? {
    site.flatMap { s in siteEndpoints.first { $0.sites.contains(s) } } ?? endpoint
  }

  /// The endpoint `host` reaches the API through.
  public func endpoint(for host: ClusterHost) -> APIEndpoint? { endpoint(servingSite: host.site) }

  /// vip only: the hosts that carry `e`'s VIP, those of its carrier role (in its sites, for a site
  /// endpoint). Empty for other modes.
  public func vipCarriers(of e: APIEndpoint) -> [ClusterHost] {
    guard e.mode == .vip else { return [] }
    let all = hosts(with: e.carrierRole(in: self))
    return e.sites.isEmpty ? all : all.filter { e.sites.contains($0.site ?? "") }
  }

  /// kubeadm's `controlPlaneEndpoint`: the main endpoint's dial address, or (no endpoint) the
  /// first control plane's apiserver on 6443; `-` when there is no control plane.
  public var apiEndpointAddress: String {
    if let e = endpoint { return e.dialAddress }
    return hosts(with: .controlPlane).first.map { "\($0.address.urlHost):6443" } ?? "-"
  }

  /// The address `host` reaches the API through: its site endpoint's, else the main one.
  public func apiEndpointAddress(for host: ClusterHost) -> String {
    endpoint(for: host).map(\.dialAddress) ?? apiEndpointAddress
  }
}
