/// Which direction of a pod's traffic a rule or policy governs.
public enum Direction: String, Sendable, Hashable {
  case ingress, egress
}

/// Workloads with the same namespace, labels and named ports are indistinguishable to every policy,
/// so the analysis runs over these classes and only expands to workloads at the end.
struct PodClass: Hashable {
  var namespace: String
  var labels: [String: String]
  var namedPorts: [NamedPort]
}

/// One rule with its peers resolved to analysis nodes (classes, then external ranges) once.
struct CompiledRule {
  var policy: Int
  var direction: Direction
  var index: Int
  /// Sorted, unique node numbers the rule's peers match.
  var peers: [Int32]
  /// The rule's ports when they name no container port; else nil and they are resolved per destination.
  var fixedPorts: ConnectionTable.ID?
}

/// The policies compiled against a set of classes and external ranges: which policies select each
/// class, which rules apply to it in each direction, and which nodes each rule's peers match.
struct CompiledPolicies {
  var rules: [CompiledRule] = []
  /// Per class: policies isolating it for ingress / egress, and the rules (indices into `rules`) that then apply.
  var ingressPolicies: [[Int]]
  var egressPolicies: [[Int]]
  var ingressRules: [[Int]]
  var egressRules: [[Int]]

  init(policies: [Policy], classes: [PodClass], externals: [IPRange], namespaceLabels: [String: [String: String]],
       table: ConnectionTable) {
    let classCount = classes.count
    ingressPolicies = Array(repeating: [], count: classCount)
    egressPolicies = ingressPolicies
    ingressRules = ingressPolicies
    egressRules = ingressPolicies
    var classesByNamespace: [String: [Int]] = [:]
    for (i, c) in classes.enumerated() { classesByNamespace[c.namespace, default: []].append(i) }
    let namespaceNames = namespaceLabels.keys.sorted()
    var namespaceMatches: [LabelSelector: [String]] = [:]
    var mark = [Bool](repeating: false, count: classCount + externals.count)

    func nodes(for peers: [Peer], in policyNamespace: String) -> [Int32] {
      if peers.isEmpty { return (0..<Int32(classCount + externals.count)).map { $0 } }
      var out: [Int32] = []
      func add(_ n: Int) {
        if !mark[n] { mark[n] = true; out.append(Int32(n)) }
      }
      for peer in peers {
        switch peer {
        case .pods(let pods, let namespaces):
          let spaces: [String]
          if let namespaces {
            if let cached = namespaceMatches[namespaces] {
              spaces = cached
            } else {
              spaces = namespaceNames.filter { namespaces.matches(namespaceLabels[$0] ?? [:]) }
              namespaceMatches[namespaces] = spaces
            }
          } else {
            spaces = [policyNamespace]
          }
          for ns in spaces {
            for c in classesByNamespace[ns] ?? [] where pods?.matches(classes[c].labels) ?? true { add(c) }
          }
        case .ipBlock(let cidr, let except):
          let block = cidr.range, holes = except.map(\.range)
          for (i, r) in externals.enumerated() where block.contains(r) && !holes.contains(where: { $0.contains(r) }) {
            add(classCount + i)
          }
        }
      }
      for n in out { mark[Int(n)] = false }
      return out.sorted()
    }

    for (p, policy) in policies.enumerated() {
      let selected = (classesByNamespace[policy.namespace] ?? []).filter { policy.podSelector.matches(classes[$0].labels) }
      for (direction, covered, policyRules) in [(Direction.ingress, policy.coversIngress, policy.ingress),
                                                (.egress, policy.coversEgress, policy.egress)] where covered {
        var ids: [Int] = []
        for (r, rule) in policyRules.enumerated() {
          let named = rule.ports.contains { if case .named = $0.port { true } else { false } }
          let fixed = named ? nil : table.id(PortResolution.connections(rule.ports, namedPorts: []))
          ids.append(rules.count)
          rules.append(CompiledRule(policy: p, direction: direction, index: r,
                                    peers: nodes(for: rule.peers, in: policy.namespace), fixedPorts: fixed))
        }
        for c in selected {
          if direction == .ingress {
            ingressPolicies[c].append(p)
            ingressRules[c] += ids
          } else {
            egressPolicies[c].append(p)
            egressRules[c] += ids
          }
        }
      }
    }
  }
}

/// A rule's `ports` as connections to one destination: numbers and ranges as written, a named port as
/// the destination's container ports of that name and protocol (none when it has no such port).
enum PortResolution {
  static func connections(_ specs: [PortSpec], namedPorts: [NamedPort]) -> ConnectionSet {
    if specs.isEmpty { return .all }
    var out = ConnectionSet.none
    for spec in specs {
      switch spec.port {
      case nil:
        out[spec.proto] = .all
      case .number(let n)?:
        out[spec.proto] = out[spec.proto].union(PortSet([n...(spec.endPort ?? n)]))
      case .named(let name)?:
        for np in namedPorts where np.name == name && np.proto == spec.proto {
          out[spec.proto] = out[spec.proto].union(PortSet([np.port...np.port]))
        }
      }
    }
    return out
  }
}
