import Crypto
import Foundation
import Inventory
import Support

/// One rule of a host's firewall: a kind of traffic, from one source, with the comment the loaded
/// table shows. The nftables text and the host matrix (`bulwark netpol hosts`) both come from these.
public struct FirewallRule: Sendable {
  public enum Source: Sendable {
    /// A named set (`FirewallPeers`).
    case set(PeerSet)
    /// Addresses written into the rule (the controller's, a site's bastion).
    case addresses([String])
    /// Networks from the inventory (`spec.kubernetes.nodePorts.from`).
    case networks([CIDR])
    /// Any source (SSH when the controller's address is unknown).
    case anywhere
  }
  public var traffic: NodeTraffic
  public var from: Source
  public var comment: String

  /// True when a packet from `address` matches the rule's source.
  public func admits(_ address: HostAddress) -> Bool {
    switch from {
    case .set(let s): return s.admits(address)
    case .addresses(let list): return list.contains(address.description)
    case .networks(let list):
      guard case .ip(let ip) = address else { return false }
      return list.contains { $0.contains(ip) }
    case .anywhere: return true
    }
  }
}

/// Bulwark's nftables table for one host: inbound dropped by default (a final drop rule rather
/// than a drop policy, so a table flushed by hand fails open instead of cutting every session, and
/// drift can still reach the host to report it); each role opens only its ports, and only to the
/// peers that need them, named by role (`FirewallPeers`); SSH only from the controller (or the
/// site's bastion). Kubernetes nodes also open what their CNI profile needs between nodes
/// (`CNIProfile.nodeToNode`) and, only when the inventory lists sources, the NodePort range. Only
/// the `input` hook of Bulwark's own table: kube-proxy's and the CNI's chains are left alone. What
/// each rule admits is in docs/hardening.md, "The host firewall".
public enum Firewall {
  public static let path = "/etc/bulwark/firewall.nft"
  /// The sha256 of `nft list table inet bulwark` right after Bulwark loaded it: any later change to
  /// the loaded table (a flushed chain, a rule added by hand) no longer matches. The scripts that
  /// write and compare it are `HardeningScripts.firewallLoad` and `firewallUnchanged`.
  public static let loadedDigest = "/var/lib/bulwark/firewall.loaded"
  /// kube-apiserver's default `--service-node-port-range` (cmd/kube-apiserver/app/options:
  /// `kubeoptions.DefaultServiceNodePortRange`, 30000-32767).
  public static let nodePortRange = (30000, 32767)

  /// The host's rules, in the order the table checks them.
  public static func rules(for host: ClusterHost, in inv: Inventory, peers: FirewallPeers, sshFrom: [String]) -> [FirewallRule] {
    func tcp(_ port: Int, _ from: FirewallRule.Source, _ comment: String) -> FirewallRule {
      FirewallRule(traffic: NodeTraffic(.tcp(port), comment), from: from, comment: comment)
    }
    let controller: FirewallRule.Source? = sshFrom.isEmpty ? nil : .addresses(sshFrom)
    var rules = [tcp(22, controller ?? .anywhere, controller == nil ? "ssh (the controller's address is unknown)" : "ssh from the controller")]
    if peers.etcdMemberNames.contains(host.name) {
      rules.append(tcp(2379, .set(peers.controlPlanes), "etcd clients: the control planes"))
      rules.append(tcp(2379, .set(peers.etcdMembers), "etcd clients: the members"))
      if let controller { rules.append(tcp(2379, controller, "etcd clients: the controller")) }
      rules.append(tcp(2380, .set(peers.etcdMembers), "etcd peers"))
    }
    if host.has(.controlPlane) {
      rules.append(tcp(6443, .set(peers.clusterHosts), "kube-apiserver: the cluster's hosts"))
      rules.append(tcp(6443, .set(peers.pods), "kube-apiserver: pods the CNI does not masquerade"))
      if let controller { rules.append(tcp(6443, controller, "kube-apiserver: the controller")) }
    }
    if host.has(.controlPlane) || host.has(.worker) {
      rules.append(tcp(10250, .set(peers.kubernetesNodes), "kubelet API: the nodes (the apiserver, masqueraded pods)"))
      rules.append(tcp(10250, .set(peers.pods), "kubelet API: pods the CNI does not masquerade"))
      for t in inv.cniProfile?.nodeToNode ?? [] {
        rules.append(FirewallRule(traffic: t, from: .set(peers.kubernetesNodes), comment: t.purpose))
      }
      if !inv.kubernetes.nodePortsFrom.isEmpty {
        let (low, high) = nodePortRange
        for t in [NodeTraffic(.tcpRange(low, high), "NodePort Services (TCP)"), NodeTraffic(.udpRange(low, high), "NodePort Services (UDP)")] {
          rules.append(FirewallRule(traffic: t, from: .networks(inv.kubernetes.nodePortsFrom), comment: t.purpose + ": spec.kubernetes.nodePorts.from"))
        }
      }
    }
    // A control plane carrying the endpoint on the apiserver's own port has these rules already.
    for port in peers.endpointPorts[host.name] ?? [] where !(host.has(.controlPlane) && port == 6443) {
      rules.append(tcp(port, .set(peers.clusterHosts), "API endpoint: the cluster's hosts"))
      rules.append(tcp(port, .set(peers.pods), "API endpoint: pods the CNI does not masquerade"))
      if let controller { rules.append(tcp(port, controller, "API endpoint: the controller")) }
    }
    if peers.endpointPorts[host.name] != nil {
      let vrrp = NodeTraffic(.ipProtocol(112), "keepalived VRRP")
      rules.append(FirewallRule(traffic: vrrp, from: .set(peers.clusterHosts), comment: "keepalived VRRP: the cluster's hosts"))
    }
    return rules
  }

  /// The rules, and the marker (`bulwark <hash>`) the loaded table carries as its comment.
  public static func render(for host: ClusterHost, in inv: Inventory, peers: FirewallPeers, sshFrom: [String]) -> (content: String, marker: String) {
    let (body, marker) = table(for: host, in: inv, peers: peers, sshFrom: sshFrom)
    return (file(for: host.name, body: body, marker: marker), marker)
  }

  /// What a host's table depends on besides the inventory: hosts of the same shape (every worker,
  /// as a rule) have the same table body and marker, so a plan works each shape out once.
  struct Shape: Hashable {
    var roles: [Role]
    var etcdMember: Bool
    var endpointPorts: [Int]?
    var sshFrom: [String]
    init(_ host: ClusterHost, peers: FirewallPeers, sshFrom: [String]) {
      roles = host.roles.sorted()
      etcdMember = peers.etcdMemberNames.contains(host.name)
      endpointPorts = peers.endpointPorts[host.name]
      self.sshFrom = sshFrom
    }
  }

  /// The table's sets and input chain, and the marker hashed from them.
  static func table(for host: ClusterHost, in inv: Inventory, peers: FirewallPeers, sshFrom: [String]) -> (body: String, marker: String) {
    let rules = rules(for: host, in: inv, peers: peers, sshFrom: sshFrom)
    var sets: [String] = [], defined = Set<String>()
    var lines: [String] = []
    for r in rules {
      let match = r.traffic.nftMatch, comment = "comment \"\(r.comment)\""
      switch r.from {
      case .set(let s):
        if defined.insert(s.name).inserted { sets += s.definitions }
        lines += s.matches.map { "    \(match) \($0) accept \(comment)" }
      case .addresses(let list):
        lines += inline(list).map { "    \(match) \($0) accept \(comment)" }
      case .networks(let list):
        lines += inline(list.map(\.description)).map { "    \(match) \($0) accept \(comment)" }
      case .anywhere:
        lines.append("    \(match) accept \(comment)")
      }
    }
    let body = (sets.isEmpty ? "" : sets.joined(separator: "\n") + "\n") + """
        chain input {
          type filter hook input priority filter; policy accept;
          iif "lo" accept
          ct state established,related accept
          ip protocol icmp icmp type { echo-request, destination-unreachable, time-exceeded } accept
          meta l4proto icmpv6 accept

      """ + lines.joined(separator: "\n") + """

          counter drop comment "inbound is dropped unless a rule above lets it in"
        }
      """
    let marker = "bulwark " + hexString(SHA256.hash(data: Array(body.utf8)).prefix(8))
    return (body, marker)
  }

  /// The file `nft -f` loads: the host's name, the table replaced atomically, `body` under `marker`.
  static func file(for hostName: String, body: String, marker: String) -> String {
    """
      # Managed by Bulwark: the host firewall of \(hostName). Loaded with `nft -f`, atomically.
      table inet bulwark
      delete table inet bulwark
      table inet bulwark {
        comment "\(marker)"
      \(body)
      }

      """
  }

  /// `render` for one host, working the peers out first: for a single host. A plan renders every
  /// host with one `FirewallPeers`.
  public static func render(for host: ClusterHost, in inv: Inventory, sshFrom: [String]) -> (content: String, marker: String) {
    render(for: host, in: inv, peers: FirewallPeers(inv), sshFrom: sshFrom)
  }

  /// `ip saddr { … }` and/or `ip6 saddr { … }` for addresses written into a rule.
  static func inline(_ addresses: [String]) -> [String] {
    var seen = Set<String>(), unique: [String] = []
    for a in addresses where seen.insert(a).inserted { unique.append(a) }
    let v4 = unique.filter { !$0.contains(":") }, v6 = unique.filter { $0.contains(":") }
    return (v4.isEmpty ? [] : ["ip saddr { \(v4.joined(separator: ", ")) }"]) + (v6.isEmpty ? [] : ["ip6 saddr { \(v6.joined(separator: ", ")) }"])
  }
}
