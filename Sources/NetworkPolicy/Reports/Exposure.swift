import Findings
import Support

/// What is not least privilege in a set of manifests, as findings every CI format can carry:
/// workloads not isolated, workloads reachable from the whole cluster or from anywhere, namespaces
/// without a default deny, and rules wider than they need to be.
public enum Exposure {
  public static let rules: [FindingRule] = [
    FindingRule(id: "netpol-ingress-not-isolated", title: "Workload not isolated for ingress: every pod and address can reach it"),
    FindingRule(id: "netpol-egress-not-isolated", title: "Workload not isolated for egress: it can reach every pod and address"),
    FindingRule(id: "netpol-reachable-from-internet", title: "An ingress rule admits all of 0.0.0.0/0"),
    FindingRule(id: "netpol-reachable-from-cluster", title: "An ingress rule admits every pod of every namespace"),
    FindingRule(id: "netpol-namespace-no-default-deny", title: "Namespace without a default-deny policy"),
    FindingRule(id: "netpol-rule-any-peer", title: "A rule with no from/to: it matches every peer"),
    FindingRule(id: "netpol-rule-all-ports", title: "A rule with no ports: it opens every port and protocol"),
    FindingRule(id: "netpol-policy-selects-nothing", title: "A policy that selects no workload in the manifests"),
  ]

  public static func findings(_ analysis: ConnectivityAnalysis) -> [Finding] {
    var out: [Finding] = []
    let c = analysis.compiled
    let allIPv4 = analysis.externals.indices.filter { analysis.externals[$0].family == .v4 }
      .map { Int32(analysis.classes.count + $0) }
    for (i, w) in analysis.workloads.enumerated() {
      let k = analysis.classOfWorkload[i]
      if c.ingressPolicies[k].isEmpty {
        out.append(finding("netpol-ingress-not-isolated", .error,
                           "\(w.id) is selected by no policy covering Ingress: every pod and every address can reach it",
                           at: w.source, name: w.id))
      } else {
        let open = c.ingressRules[k].filter { r in allIPv4.allSatisfy { c.rules[r].peers.contains($0) } }
        if !open.isEmpty {
          out.append(finding("netpol-reachable-from-internet", .error,
                             "\(w.id) is reachable from 0.0.0.0/0 through \(describe(open, analysis))",
                             at: w.source, name: w.id))
        }
        let wide = c.ingressRules[k].filter { r in admitsWholeCluster(rule(r, analysis)) }
        if !wide.isEmpty {
          out.append(finding("netpol-reachable-from-cluster", .warning,
                             "\(w.id) is reachable from every pod of every namespace through \(describe(wide, analysis))",
                             at: w.source, name: w.id))
        }
      }
      if c.egressPolicies[k].isEmpty {
        out.append(finding("netpol-egress-not-isolated", .warning,
                           "\(w.id) is selected by no policy covering Egress: it can reach every pod and every address",
                           at: w.source, name: w.id))
      }
    }
    out += namespaceFindings(analysis)
    out += ruleFindings(analysis)
    return out
  }

  /// Exit-worthy: some finding at error level.
  public static func hasErrors(_ findings: [Finding]) -> Bool { findings.contains { $0.level == .error } }

  /// `file:line:col: level: message [rule]` (or `name: …` without a position), then a count.
  public static func text(_ findings: [Finding]) -> String {
    var out = ""
    for f in findings {
      let place = f.position.map { "\($0.file):\($0.line):\($0.column)" } ?? f.logicalName ?? "-"
      out += "\(place): \(f.level.rawValue): \(f.message) [\(f.ruleID)]\n"
    }
    let e = findings.filter { $0.level == .error }.count, w = findings.filter { $0.level == .warning }.count
    return out + "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s"), \(findings.count - e - w) note\(findings.count - e - w == 1 ? "" : "s")\n"
  }

  public static func json(_ findings: [Finding]) -> String {
    JSONText.render(findings.map { f -> [String: Any] in
      var o: [String: Any] = ["rule": f.ruleID, "level": f.level.rawValue, "message": f.message]
      if let p = f.position { o["file"] = p.file; o["line"] = p.line; o["column"] = p.column }
      if let n = f.logicalName { o["object"] = n }
      return o
    })
  }

  public static func sarif(_ findings: [Finding]) -> String { FindingFormats.sarif(findings, rules: rules) }

  public static func junit(_ findings: [Finding]) -> String {
    FindingFormats.junit(suite: "netpol exposure", findings: findings) { $0.position?.file ?? $0.logicalName ?? "manifests" }
  }

  // MARK: Rules

  private static func namespaceFindings(_ analysis: ConnectivityAnalysis) -> [Finding] {
    let objects = Dictionary(analysis.manifests.namespaces.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let used = Set(analysis.workloads.map(\.namespace))
    var out: [Finding] = []
    for ns in used.sorted() {
      let own = analysis.manifests.policies.filter { $0.namespace == ns && $0.podSelector.isEmpty }
      let ingress = own.contains { $0.coversIngress && $0.ingress.isEmpty }
      let egress = own.contains { $0.coversEgress && $0.egress.isEmpty }
      let missing = [ingress ? nil : "ingress", egress ? nil : "egress"].compactMap { $0 }
      guard !missing.isEmpty else { continue }
      out.append(finding("netpol-namespace-no-default-deny", .warning,
                         "namespace \(ns) has no default-deny policy for \(missing.joined(separator: " and ")) (podSelector {} with no \(missing.joined(separator: "/")) rules)",
                         at: objects[ns]?.source, name: ns, kind: "namespace"))
    }
    return out
  }

  private static func ruleFindings(_ analysis: ConnectivityAnalysis) -> [Finding] {
    var out: [Finding] = []
    let c = analysis.compiled
    var selecting = Set<Int>()
    for list in c.ingressPolicies + c.egressPolicies { selecting.formUnion(list) }
    for (p, policy) in analysis.manifests.policies.enumerated() {
      if !selecting.contains(p) {
        out.append(finding("netpol-policy-selects-nothing", .note,
                           "policy \(policy.id) selects no workload in the manifests", at: policy.source,
                           name: policy.id, kind: "policy"))
      }
      for (direction, rules) in [(Direction.ingress, policy.ingress), (.egress, policy.egress)] {
        for (i, rule) in rules.enumerated() {
          let name = "\(policy.id) \(direction.rawValue) rule \(i)"
          if rule.peers.isEmpty {
            out.append(finding("netpol-rule-any-peer", .warning,
                               "\(name) has no \(direction == .ingress ? "from" : "to"): it matches every pod and every address",
                               at: rule.source ?? policy.source, name: name, kind: "rule"))
          }
          if rule.ports.isEmpty {
            out.append(finding("netpol-rule-all-ports", .warning,
                               "\(name) lists no ports: it opens every port of every protocol",
                               at: rule.source ?? policy.source, name: name, kind: "rule"))
          }
        }
      }
    }
    return out
  }

  private static func rule(_ r: Int, _ analysis: ConnectivityAnalysis) -> PolicyRule {
    let compiled = analysis.compiled.rules[r]
    let policy = analysis.manifests.policies[compiled.policy]
    return (compiled.direction == .ingress ? policy.ingress : policy.egress)[compiled.index]
  }

  /// No peers, or a peer whose namespaceSelector is `{}` and whose podSelector is absent or `{}`.
  static func admitsWholeCluster(_ rule: PolicyRule) -> Bool {
    rule.peers.isEmpty || rule.peers.contains {
      if case .pods(let pods, let namespaces?) = $0 { return namespaces.isEmpty && (pods?.isEmpty ?? true) }
      return false
    }
  }

  private static func describe(_ rules: [Int], _ analysis: ConnectivityAnalysis) -> String {
    rules.map { r in
      let c = analysis.compiled.rules[r]
      return "\(analysis.manifests.policies[c.policy].id) \(c.direction.rawValue) rule \(c.index)"
    }.joined(separator: ", ")
  }

  private static func finding(_ rule: String, _ level: Finding.Level, _ message: String, at: SourceLocation?,
                              name: String, kind: String = "workload") -> Finding {
    Finding(ruleID: rule, level: level, message: message,
            position: at.map { Finding.Position(file: $0.file, line: $0.line, column: $0.column) },
            logicalName: name, logicalKind: kind)
  }
}
