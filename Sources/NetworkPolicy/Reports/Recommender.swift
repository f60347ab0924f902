import Foundation
import Support

/// Recommended policies for an intended connectivity, and whether their own analysis gives exactly it.
public struct Recommendation: Sendable {
  public var policies: [Policy]
  public var diagnostics: [Diagnostic]
  public var yaml: String { PolicyYAML.render(policies) }
}

/// Writes least-privilege NetworkPolicies for a list of intended flows: per namespace a default deny
/// (ingress and egress) and DNS egress to kube-dns, then per flow an egress allow on the source's side
/// and an ingress allow on the destination's side. Pods are selected by their full label set, plus
/// `DoesNotExist` on a key of every other pod whose labels include them, so a selector picks exactly
/// one workload's pods (workloads with identical labels cannot be told apart; that is reported).
/// kube-system is left alone: it is the platform's, and denying it would cut DNS.
public enum Recommender {
  public static let platformNamespace = "kube-system"

  public static func recommend(_ manifests: Manifests, intent: [IntendedFlow]) -> Recommendation {
    let analysis = ConnectivityAnalysis(Manifests(workloads: manifests.workloads, namespaces: manifests.namespaces))
    var diagnostics: [Diagnostic] = []
    var policies: [Policy] = []
    for ns in Set(analysis.workloads.map(\.namespace)).sorted() where ns != platformNamespace {
      policies.append(Policy(namespace: ns, name: "default-deny", coversIngress: true, coversEgress: true))
      let dns = Peer.pods(pods: LabelSelector(matchLabels: ["k8s-app": "kube-dns"]),
                          namespaces: LabelSelector(matchLabels: [Namespace.nameLabel: platformNamespace]))
      policies.append(Policy(namespace: ns, name: "allow-dns-egress", coversIngress: false, coversEgress: true,
                             egress: [PolicyRule(peers: [dns], ports: [PortSpec(proto: .udp, port: .number(53)),
                                                                       PortSpec(proto: .tcp, port: .number(53))])]))
    }
    for (i, flow) in intent.enumerated() {
      let src = resolve(flow.source, analysis, flow, &diagnostics)
      let dst = resolve(flow.destination, analysis, flow, &diagnostics)
      guard let src, let dst else { continue }
      if case .external = src, case .external = dst {
        diagnostics.append(.error("invalid-intent", "a flow between two external ranges is not governed by NetworkPolicy",
                                  at: flow.location))
        continue
      }
      let ports = portSpecs(flow.connections)
      let base = "allow-\(i + 1)"
      if case .workload(let w) = src {
        policies.append(Policy(namespace: w.namespace, name: name(base, w, dst, "egress"),
                               podSelector: selector(for: w, in: analysis, &diagnostics),
                               coversIngress: false, coversEgress: true,
                               egress: [PolicyRule(peers: peers(dst, analysis, &diagnostics), ports: ports)]))
      }
      if case .workload(let w) = dst {
        policies.append(Policy(namespace: w.namespace, name: name(base, w, src, "ingress"),
                               podSelector: selector(for: w, in: analysis, &diagnostics),
                               coversIngress: true, coversEgress: false,
                               ingress: [PolicyRule(peers: peers(src, analysis, &diagnostics), ports: ports)]))
      }
    }
    return Recommendation(policies: policies, diagnostics: diagnostics)
  }

  /// Where the analysis of `manifests`' workloads under `policies` differs from the intent: one line
  /// per pair, empty when it gives exactly the intended connections. External intent ranges are
  /// compared range by range after the analysis' own split.
  public static func verify(_ manifests: Manifests, policies: [Policy], intent: [IntendedFlow]) -> [String] {
    let analysis = ConnectivityAnalysis(Manifests(workloads: manifests.workloads, namespaces: manifests.namespaces,
                                                  policies: policies))
    func names(_ text: String) -> [String] {
      if let w = analysis.endpoint(named: text), !w.isExternal { return [w.description] }
      let bare = text.hasSuffix("[External]") ? String(text.dropLast("[External]".count)) : text
      guard let range = IPRange(parsing: bare) else { return [] }
      return analysis.externals.filter { range.contains($0) }.map { "\($0)[External]" }
    }
    struct Pair: Hashable { var source, destination: String }
    var expected: [Pair: ConnectionSet] = [:]
    for flow in intent {
      for s in names(flow.source) {
        for d in names(flow.destination) where s != d {
          expected[Pair(source: s, destination: d), default: .none] = expected[Pair(source: s, destination: d), default: .none].union(flow.connections)
        }
      }
    }
    var actual: [Pair: ConnectionSet] = [:]
    for c in analysis.connections() { actual[Pair(source: c.source.description, destination: c.destination.description)] = c.connections }
    var problems: [String] = []
    for key in Set(expected.keys).union(actual.keys).sorted(by: { ($0.source, $0.destination) < ($1.source, $1.destination) }) {
      let want = expected[key] ?? .none, got = actual[key] ?? .none
      if want != got { problems.append("\(key.source) => \(key.destination) : intended \(want), analysed \(got)") }
    }
    return problems
  }

  // MARK: Parts

  private static func resolve(_ text: String, _ analysis: ConnectivityAnalysis, _ flow: IntendedFlow,
                              _ diagnostics: inout [Diagnostic]) -> Endpoint.Kind? {
    if let e = analysis.endpoint(named: text), case .workload = e.kind { return e.kind }
    let bare = text.hasSuffix("[External]") ? String(text.dropLast("[External]".count)) : text
    if let r = IPRange(parsing: bare) { return .external(r) }
    diagnostics.append(.error("unknown-endpoint", "\"\(text)\" is neither a workload in the manifests nor an address range",
                              at: flow.location))
    return nil
  }

  private static func peers(_ endpoint: Endpoint.Kind, _ analysis: ConnectivityAnalysis,
                            _ diagnostics: inout [Diagnostic]) -> [Peer] {
    switch endpoint {
    case .workload(let w):
      return [.pods(pods: selector(for: w, in: analysis, &diagnostics),
                    namespaces: LabelSelector(matchLabels: [Namespace.nameLabel: w.namespace]))]
    case .external(let r):
      return r.cidrs.map { .ipBlock(cidr: $0, except: []) }
    }
  }

  /// The workload's labels, plus `DoesNotExist` on one extra key of every other workload in the namespace
  /// whose labels include them.
  static func selector(for w: Workload, in analysis: ConnectivityAnalysis, _ diagnostics: inout [Diagnostic]) -> LabelSelector {
    var excluded: Set<String> = []
    var twins: [String] = []
    for other in analysis.workloads where other.namespace == w.namespace && other.id != w.id {
      guard w.labels.allSatisfy({ other.labels[$0.key] == $0.value }) else { continue }
      guard let key = other.labels.keys.filter({ w.labels[$0] == nil }).sorted().first else {
        twins.append(other.id)
        continue
      }
      if excluded.contains(where: { other.labels[$0] != nil }) { continue }
      excluded.insert(key)
    }
    if !twins.isEmpty {
      let d = Diagnostic.warning("indistinguishable-workloads",
                                 "\(w.id) has the same labels as \(twins.joined(separator: ", ")); its policies select them too",
                                 at: w.source)
      if !diagnostics.contains(d) { diagnostics.append(d) }
    }
    return LabelSelector(matchLabels: w.labels,
                         matchExpressions: excluded.sorted().map { .init(key: $0, op: .doesNotExist) })
  }

  static func portSpecs(_ c: ConnectionSet) -> [PortSpec] {
    if c.isAll { return [] }
    var out: [PortSpec] = []
    for proto in L4Protocol.allCases {
      for r in c[proto].ranges {
        if r == PortSet.allPorts {
          out.append(PortSpec(proto: proto))
        } else {
          out.append(PortSpec(proto: proto, port: .number(r.lowerBound), endPort: r.upperBound == r.lowerBound ? nil : r.upperBound))
        }
      }
    }
    return out
  }

  /// A DNS-1123 name: `allow-3-egress-web-to-db`, cut to 63 characters.
  private static func name(_ base: String, _ own: Workload, _ peer: Endpoint.Kind, _ direction: String) -> String {
    let peerName: String
    switch peer {
    case .workload(let w): peerName = w.name
    case .external: peerName = "external"
    }
    let raw = direction == "egress" ? "\(base)-egress-\(own.name)-to-\(peerName)" : "\(base)-ingress-\(peerName)-to-\(own.name)"
    var out = ""
    for c in raw.lowercased() {
      out.append(c.isASCII && (c.isLetter || c.isNumber) ? c : "-")
    }
    while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "-") }
    if out.count > 63 { out = String(out.prefix(63)) }
    while out.hasSuffix("-") { out.removeLast() }
    return out
  }
}
