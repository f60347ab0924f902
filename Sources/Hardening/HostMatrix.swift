import Findings
import Inventory
import Support

/// The ports one firewall rule set opens, merged: TCP and UDP port ranges, and IP protocols with no
/// ports (VRRP is 112). Printed in `netpol list`'s form: `TCP 22,TCP 2379-2380,UDP 4789,IPPROTO 112`.
public struct HostPorts: Sendable, Equatable, CustomStringConvertible {
  public private(set) var tcp: [ClosedRange<Int>] = []
  public private(set) var udp: [ClosedRange<Int>] = []
  public private(set) var ipProtocols: [Int] = []

  public init() {}

  public var isEmpty: Bool { tcp.isEmpty && udp.isEmpty && ipProtocols.isEmpty }

  public mutating func add(_ t: NodeTraffic.Transport) {
    switch t {
    case .tcp(let p): tcp = mergedRanges(tcp + [p...p])
    case .udp(let p): udp = mergedRanges(udp + [p...p])
    case .tcpRange(let a, let b): tcp = mergedRanges(tcp + [a...b])
    case .udpRange(let a, let b): udp = mergedRanges(udp + [a...b])
    case .ipProtocol(let n): if !ipProtocols.contains(n) { ipProtocols = (ipProtocols + [n]).sorted() }
    }
  }

  /// True when a packet of `proto` to `port` (for `.ip`, the IP protocol number) is let in.
  public func admits(_ proto: PortProbe.Proto, _ port: Int) -> Bool {
    switch proto {
    case .tcp: return tcp.contains { $0.contains(port) }
    case .udp: return udp.contains { $0.contains(port) }
    case .ip: return ipProtocols.contains(port)
    }
  }

  public var description: String {
    func text(_ proto: String, _ r: ClosedRange<Int>) -> String {
      r.lowerBound == r.upperBound ? "\(proto) \(r.lowerBound)" : "\(proto) \(r.lowerBound)-\(r.upperBound)"
    }
    return (tcp.map { text("TCP", $0) } + udp.map { text("UDP", $0) } + ipProtocols.map { "IPPROTO \($0)" }).joined(separator: ",")
  }
}

/// One line of the host matrix: what `destination`'s firewall lets in from `source`.
public struct HostFlow: Sendable, Equatable {
  /// A host of the inventory, or a source that is not one (the controller, a bastion, a NodePort
  /// network, anywhere).
  public enum Peer: Sendable, Equatable, Comparable, CustomStringConvertible {
    case host(String)
    case external(String)
    /// `lab1[Host]`, `10.0.0.0/8[External]`: hosts by inventory name, like `ns/name[Kind]`.
    public var description: String {
      switch self {
      case .host(let n): return "\(n)[Host]"
      case .external(let a): return "\(a)[External]"
      }
    }
    public var hostName: String? { if case .host(let n) = self { n } else { nil } }
    public static func < (l: Peer, r: Peer) -> Bool {
      switch (l, r) {
      case (.host(let a), .host(let b)), (.external(let a), .external(let b)): return a < b
      case (.host, .external): return true
      case (.external, .host): return false
      }
    }
  }
  public var source: Peer
  public var destination: String
  public var ports: HostPorts
  /// `SRC => DST : CONNS`, as `netpol list` prints a line.
  public var line: String { "\(source) => \(HostFlow.Peer.host(destination)) : \(ports)" }
}

/// The host-to-host matrix Bulwark's firewall allows, from the rules `Firewall.render` writes into
/// nftables (`Firewall.rules`): for every ordered pair of hosts, the ports the destination's table
/// accepts from the source's address; and for every rule whose source is not a host of the
/// inventory, a line from that source. A host's traffic to itself is left out (the table accepts
/// `lo`). Pure: nothing is probed.
public enum HostMatrix {
  /// The IPv4 and IPv6 "anywhere" of a rule with no source match.
  public static let anywhere = "0.0.0.0/0,::/0"

  public static func flows(_ inv: Inventory, sshFrom: [String: [String]]) -> [HostFlow] {
    let peers = FirewallPeers(inv)
    var out: [HostFlow] = []
    for dst in inv.hosts {
      let rules = Firewall.rules(for: dst, in: inv, peers: peers, sshFrom: sshFrom[dst.name] ?? [])
      for src in inv.hosts where src.name != dst.name {
        var ports = HostPorts()
        for r in rules where r.admits(src.address) { ports.add(r.traffic.transport) }
        if !ports.isEmpty { out.append(HostFlow(source: .host(src.name), destination: dst.name, ports: ports)) }
      }
      var external: [String: HostPorts] = [:]
      for r in rules {
        for name in externalSources(r.from, hosts: inv.hosts) { external[name, default: HostPorts()].add(r.traffic.transport) }
      }
      out += external.map { HostFlow(source: .external($0.key), destination: dst.name, ports: $0.value) }
    }
    return out.sorted { ($0.source, $0.destination) < ($1.source, $1.destination) }
  }

  /// The sources of a rule that are not exactly a host's address: set elements and written
  /// addresses that are no host's (the pod CIDR, a site CIDR in `kubernetes_nodes`, the controller,
  /// a bastion), networks, anywhere.
  static func externalSources(_ from: FirewallRule.Source, hosts: [ClusterHost]) -> [String] {
    let addresses = Set(hosts.map(\.address.description))
    switch from {
    case .set(let s): return (s.v4 + s.v6).filter { !addresses.contains($0) }
    case .addresses(let list): return list.filter { !addresses.contains($0) }
    case .networks(let list): return list.map(\.description)
    case .anywhere: return [anywhere]
    }
  }
}

/// What in the host matrix is wider than a host or two: a line from anywhere (an error), and a
/// line from a whole network (a warning: the pod CIDR, a site CIDR in `kubernetes_nodes`,
/// `spec.kubernetes.nodePorts.from`). Lines from single addresses (the controller, a bastion) and
/// between hosts are not findings. Each finding names its line (`logicalName`).
public enum HostExposure {
  public static let rules: [FindingRule] = [
    FindingRule(id: "host-reachable-from-anywhere", title: "A host port any address can reach"),
    FindingRule(id: "host-reachable-from-network", title: "A host port a whole network outside the inventory's hosts can reach"),
  ]

  public static func findings(_ flows: [HostFlow]) -> [Finding] {
    flows.compactMap { f -> Finding? in
      guard case .external(let source) = f.source else { return nil }
      if source == HostMatrix.anywhere {
        return Finding(ruleID: "host-reachable-from-anywhere", level: .error,
          message: "\(f.destination) admits \(f.ports) from any address", logicalName: f.line, logicalKind: "flow")
      }
      guard source.contains("/"), !source.hasSuffix("/32"), !source.hasSuffix("/128") else { return nil }
      return Finding(ruleID: "host-reachable-from-network", level: .warning,
        message: "\(f.destination) admits \(f.ports) from all of \(source)", logicalName: f.line, logicalKind: "flow")
    }
  }
}
