import NetworkPolicy
import Testing

@Suite struct ExplainTests {
  func analysis(_ fixture: String) -> ConnectivityAnalysis {
    ConnectivityAnalysis(Paths.load("semantics/" + fixture).manifests)
  }

  func explain(_ a: ConnectivityAnalysis, _ from: String, _ to: String,
               _ port: (proto: L4Protocol, number: Int)? = nil) throws -> Explanation {
    let s = try #require(a.endpoint(named: from)), d = try #require(a.endpoint(named: to))
    return a.explain(from: s, to: d, port: port)
  }

  @Test func allowNamesPolicyAndRuleOnBothSides() throws {
    let e = try explain(analysis("17-rules-ored-policies-unioned.yaml"), "ns1/a[Pod]", "ns1/c[Pod]", (.tcp, 443))
    #expect(e.isAllowed)
    #expect(e.egress.verdict == .notIsolated)
    #expect(e.ingress.matches.map(\.description) == ["ns1/c-in-2 ingress rule 0 (TCP 443)"])
    expectGolden(e.text, "explain/allow-443.txt")
  }

  @Test func denyOnPortSaysNoRuleMatches() throws {
    let e = try explain(analysis("17-rules-ored-policies-unioned.yaml"), "ns1/b", "ns1/c", (.tcp, 80))
    #expect(!e.isAllowed)
    #expect(e.ingress.verdict == .noRuleMatches)
    #expect(e.ingress.isolatedBy == ["ns1/c-in-1", "ns1/c-in-2"])
    expectGolden(e.text, "explain/deny-port.txt")
  }

  @Test func egressDenialIsOnTheSourceSide() throws {
    let e = try explain(analysis("04-policy-types-egress-only.yaml"), "ns1/b", "ns1/a")
    #expect(!e.isAllowed)
    #expect(e.egress.verdict == .noRuleMatches)
    #expect(e.ingress.verdict == .notIsolated)
    expectGolden(e.text, "explain/deny-egress.txt")
  }

  @Test func externalAddressIsFoundInItsRange() throws {
    let a = analysis("10-ipblock-except.yaml")
    let inside = try explain(a, "10.200.0.1", "ns1/a")
    #expect(inside.isAllowed)
    #expect(inside.egress.verdict == .external)
    let hole = try explain(a, "10.1.2.3", "ns1/a")
    #expect(!hole.isAllowed)
    expectGolden(hole.text, "explain/deny-except.txt")
  }

  @Test func namedPortOnWrongPodIsDenied() throws {
    let e = try explain(analysis("14-named-ports.yaml"), "ns1/client", "ns1/agent[DaemonSet]", (.tcp, 8080))
    #expect(!e.isAllowed)
    #expect(e.ingress.verdict == .noRuleMatches)
  }
}
