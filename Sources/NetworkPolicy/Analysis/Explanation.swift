import Support

/// One rule that let traffic through, and what it allowed.
public struct RuleMatch: Hashable, Sendable {
  public var policy: String
  public var direction: Direction
  public var index: Int
  public var connections: ConnectionSet
  public var source: SourceLocation?

  /// `ns/name ingress rule 0 (TCP 80)`.
  public var description: String { "\(policy) \(direction.rawValue) rule \(index) (\(connections))" }
}

/// How one side of a connection decided: the source's egress or the destination's ingress.
public struct SideDecision: Hashable, Sendable {
  public enum Verdict: String, Hashable, Sendable {
    /// No policy selecting the pod covers this direction: everything is allowed.
    case notIsolated = "not isolated"
    /// The endpoint is an external range; no policy applies to its side.
    case external = "external endpoint"
    case allowed
    /// Isolated, and no rule of the isolating policies matches.
    case noRuleMatches = "no rule matches"
  }
  public var direction: Direction
  public var verdict: Verdict
  /// The policies that isolate the pod for this direction.
  public var isolatedBy: [String]
  /// The rules that match the peer (and the queried port, if any).
  public var matches: [RuleMatch]
  /// What this side alone allows toward the peer.
  public var connections: ConnectionSet
}

/// Why a connection is allowed or denied, naming policies and rule indexes.
public struct Explanation: Hashable, Sendable {
  public var source: Endpoint
  public var destination: Endpoint
  /// The asked-about port, if any.
  public var port: (proto: L4Protocol, number: Int)?
  public var allowed: ConnectionSet
  public var egress: SideDecision
  public var ingress: SideDecision

  public var isAllowed: Bool {
    guard let port else { return !allowed.isEmpty }
    return allowed.contains(port.proto, port: port.number)
  }

  public static func == (a: Explanation, b: Explanation) -> Bool {
    a.source == b.source && a.destination == b.destination && a.port?.proto == b.port?.proto
      && a.port?.number == b.port?.number && a.allowed == b.allowed && a.egress == b.egress && a.ingress == b.ingress
  }
  public func hash(into h: inout Hasher) {
    h.combine(source)
    h.combine(destination)
    h.combine(allowed)
  }

  /// The answer line: `SRC => DST : CONNS`, or with a port `SRC => DST : TCP 5432 allowed|denied`.
  public var answer: String {
    guard let port else { return "\(source) => \(destination) : \(allowed)" }
    return "\(source) => \(destination) : \(port.proto.rawValue) \(port.number) \(isAllowed ? "allowed" : "denied")"
  }

  /// The answer, then one line per side.
  public var text: String {
    func side(_ s: SideDecision, _ name: String) -> String {
      let head = "  \(s.direction.rawValue) \(s.direction == .egress ? "from" : "to") \(name): "
      switch s.verdict {
      case .notIsolated: return head + "allowed: not isolated (no policy selecting it covers \(s.direction.rawValue))"
      case .external: return head + "allowed: external endpoint (no policy applies)"
      case .allowed: return head + "allowed by " + s.matches.map(\.description).joined(separator: ", ")
      case .noRuleMatches: return head + "denied: isolated by \(s.isolatedBy.joined(separator: ", ")); no rule matches"
      }
    }
    return answer + "\n" + side(egress, source.description) + "\n" + side(ingress, destination.description) + "\n"
  }
}

extension ConnectivityAnalysis {
  /// Finds an endpoint by `ns/name[Kind]`, by `ns/name` when only one kind has that name, or by an
  /// address or range inside one external range.
  public func endpoint(named text: String) -> Endpoint? {
    if let i = workloadIndex(text) { return Endpoint(.workload(workloads[i])) }
    let bare = text.hasSuffix("[External]") ? String(text.dropLast("[External]".count)) : text
    if let range = IPRange(parsing: bare) {
      return externals.first { $0.contains(range) }.map { Endpoint(.external($0)) }
    }
    let matches = workloads.filter { "\($0.namespace)/\($0.name)" == text }
    return matches.count == 1 ? Endpoint(.workload(matches[0])) : nil
  }

  /// Why `source` may or may not reach `destination` (on one port, if given).
  public func explain(from source: Endpoint, to destination: Endpoint,
                      port: (proto: L4Protocol, number: Int)? = nil) -> Explanation {
    let s = node(of: source), d = node(of: destination)
    let egress = decide(.egress, self: s, peer: d, portsOn: d, port: port)
    let ingress = decide(.ingress, self: d, peer: s, portsOn: d, port: port)
    return Explanation(source: source, destination: destination, port: port,
                       allowed: connections(from: source, to: destination), egress: egress, ingress: ingress)
  }

  private func decide(_ direction: Direction, self own: Int?, peer: Int?, portsOn target: Int?,
                      port: (proto: L4Protocol, number: Int)?) -> SideDecision {
    guard let own, own < classes.count, let peer, let target else {
      return SideDecision(direction: direction, verdict: .external, isolatedBy: [], matches: [], connections: .all)
    }
    let policyIndexes = direction == .ingress ? compiled.ingressPolicies[own] : compiled.egressPolicies[own]
    guard !policyIndexes.isEmpty else {
      return SideDecision(direction: direction, verdict: .notIsolated, isolatedBy: [], matches: [], connections: .all)
    }
    var matches: [RuleMatch] = []
    var allowed = ConnectionSet.none
    for r in direction == .ingress ? compiled.ingressRules[own] : compiled.egressRules[own] {
      let rule = compiled.rules[r]
      guard rule.peers.contains(Int32(peer)) else { continue }
      let opened = table[ports(r, on: target)]
      if opened.isEmpty { continue }
      if let port, !opened.contains(port.proto, port: port.number) { continue }
      let policy = manifests.policies[rule.policy]
      let source = (direction == .ingress ? policy.ingress : policy.egress)[rule.index].source
      matches.append(RuleMatch(policy: policy.id, direction: direction, index: rule.index, connections: opened,
                               source: source))
      allowed = allowed.union(opened)
    }
    return SideDecision(direction: direction, verdict: matches.isEmpty ? .noRuleMatches : .allowed,
                        isolatedBy: policyIndexes.map { manifests.policies[$0].id }, matches: matches,
                        connections: allowed)
  }
}
