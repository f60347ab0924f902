import Inventory

/// A named nftables set of source addresses: one per role, defined in a host's table only when one
/// of its rules names it. `elements` are addresses or CIDRs (the set has `flags interval`).
public struct PeerSet: Sendable {
  public var name: String
  public var v4: [String]
  public var v6: [String]
  /// What the set admits, for the docs and the rule comments.
  public var admits: String
  /// The ranges behind the elements, to answer "is this address in the set" (the host matrix).
  let ranges: [CIDR]

  init(name: String, admits: String, elements: [String]) {
    var seen = Set<String>(), unique: [String] = []
    for e in elements where seen.insert(e).inserted { unique.append(e) }
    self.name = name
    self.admits = admits
    v4 = unique.filter { !$0.contains(":") }
    v6 = unique.filter { $0.contains(":") }
    ranges = unique.compactMap { e in CIDR(e) ?? IPAddress(e).map(CIDR.init(host:)) }
  }

  public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

  /// True when `address` (an IP) falls in one of the set's elements.
  public func admits(_ address: HostAddress) -> Bool {
    guard case .ip(let ip) = address else { return false }
    return ranges.contains { $0.contains(ip) }
  }

  /// The set's definitions in a table: `NAME` (IPv4) and `NAME6` (IPv6), each only when non-empty.
  var definitions: [String] {
    var out: [String] = []
    if !v4.isEmpty { out.append(Self.definition(name, "ipv4_addr", v4)) }
    if !v6.isEmpty { out.append(Self.definition(name + "6", "ipv6_addr", v6)) }
    return out
  }

  static func definition(_ name: String, _ type: String, _ elements: [String]) -> String {
    "  set \(name) {\n    type \(type); flags interval; auto-merge;\n    elements = { \(elements.joined(separator: ", ")) }\n  }"
  }

  /// `ip saddr @NAME` and/or `ip6 saddr @NAME6`.
  var matches: [String] {
    (v4.isEmpty ? [] : ["ip saddr @\(name)"]) + (v6.isEmpty ? [] : ["ip6 saddr @\(name)6"])
  }
}

/// The peers every host's firewall names, worked out once for the inventory so that rendering a
/// host's table costs the size of the sets it uses, not a scan of the fleet. The sets:
/// - `etcd_members`, `control_planes`, `cluster_hosts`: the exact addresses of those hosts
///   (`cluster_hosts`: every host in the inventory). Only etcd members, control planes and VIP
///   carriers use them, so the plan grows with the fleet once per such host.
/// - `kubernetes_nodes` (control planes and workers), which every node's CNI and kubelet rules use:
///   a host in a site whose `cidr` holds its address is admitted as that whole site CIDR, so the set
///   has one element per site and every node's table stays the same size whatever the fleet's;
///   hosts outside any site CIDR are listed one by one. The price: any address in such a site's
///   CIDR, node or not, passes the `kubernetes_nodes` rules (docs/hardening.md says so).
/// - `pods`: the pod CIDR, for pod traffic to the apiserver and the kubelet that the CNI does not
///   masquerade.
public struct FirewallPeers: Sendable {
  public let etcdMembers: PeerSet
  public let controlPlanes: PeerSet
  public let kubernetesNodes: PeerSet
  public let clusterHosts: PeerSet
  public let pods: PeerSet
  let etcdMemberNames: Set<String>
  /// Hosts that carry the API endpoint (lb hosts, VIP carriers), with the endpoint ports they serve.
  let endpointPorts: [String: [Int]]

  public init(_ inv: Inventory) {
    let members = inv.etcdMembers
    etcdMemberNames = Set(members.map(\.name))
    etcdMembers = PeerSet(name: "etcd_members", admits: "the etcd members", elements: members.map(\.address.description))
    controlPlanes = PeerSet(name: "control_planes", admits: "the control planes",
      elements: inv.hosts(with: .controlPlane).map(\.address.description))
    clusterHosts = PeerSet(name: "cluster_hosts", admits: "every host in the inventory", elements: inv.hosts.map(\.address.description))
    var siteCIDR: [String: CIDR] = [:]
    for site in inv.sites { if let c = site.cidr { siteCIDR[site.name] = c } }
    let nodes = inv.hosts.filter { $0.has(.controlPlane) || $0.has(.worker) }
    kubernetesNodes = PeerSet(name: "kubernetes_nodes", admits: "the Kubernetes nodes (a site's whole CIDR for the nodes in it)",
      elements: nodes.map { host in
        if case .ip(let ip) = host.address, let c = host.site.flatMap({ siteCIDR[$0] }), c.contains(ip) { return c.description }
        return host.address.description
      })
    pods = PeerSet(name: "pods", admits: "the pod CIDR", elements: [inv.network.podCIDR.description])
    var ports: [String: [Int]] = [:]
    func add(_ name: String, _ port: Int) { if !(ports[name] ?? []).contains(port) { ports[name, default: []].append(port) } }
    for h in inv.hosts(with: .lb) { add(h.name, inv.endpoint?.port ?? 6443) }
    for e in [inv.endpoint].compactMap({ $0 }) + inv.siteEndpoints where e.mode == .vip {
      for h in inv.vipCarriers(of: e) { add(h.name, e.port) }
    }
    endpointPorts = ports
  }
}
