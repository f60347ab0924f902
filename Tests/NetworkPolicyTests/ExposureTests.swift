import Findings
import NetworkPolicy
import Testing

@Suite struct ExposureTests {
  func findings(_ fixture: String) -> [Finding] {
    Exposure.findings(ConnectivityAnalysis(Paths.load(fixture).manifests))
  }

  @Test func noPoliciesMeansEveryWorkloadIsExposed() {
    let f = findings("semantics/01-no-policies.yaml")
    #expect(f.filter { $0.ruleID == "netpol-ingress-not-isolated" }.count == 2)
    #expect(f.filter { $0.ruleID == "netpol-egress-not-isolated" }.count == 2)
    #expect(f.contains { $0.ruleID == "netpol-namespace-no-default-deny" && $0.logicalName == "ns1" })
    #expect(Exposure.hasErrors(f))
  }

  @Test func wideRulesAreReportedAtTheirPosition() throws {
    let f = findings("semantics/16-empty-ports-all.yaml")
    let internet = try #require(f.first { $0.ruleID == "netpol-reachable-from-internet" })
    #expect(internet.logicalName == "ns1/b[Pod]")
    let anyPeer = try #require(f.first { $0.ruleID == "netpol-rule-any-peer" })
    #expect(anyPeer.position?.line == 17)
    #expect(findings("semantics/11-empty-selectors.yaml").contains { $0.ruleID == "netpol-reachable-from-cluster" })
  }

  @Test func defaultDenyInEveryNamespaceSilencesTheNamespaceFinding() {
    let f = findings("semantics/05-isolation-needs-selection.yaml")
    #expect(!f.contains { $0.ruleID == "netpol-namespace-no-default-deny" && $0.logicalName == "ns1" })
    #expect(f.contains { $0.ruleID == "netpol-namespace-no-default-deny" && $0.logicalName == "ns2" })
  }

  @Test(arguments: ["text", "sarif", "junit", "json"])
  func formatsMatchGolden(_ format: String) {
    let f = findings("diff/after.yaml")
    let out = switch format {
    case "sarif": Exposure.sarif(f)
    case "junit": Exposure.junit(f)
    case "json": Exposure.json(f)
    default: Exposure.text(f)
    }
    // Paths relative to the test folder, in plain and in JSON-escaped form, so the golden holds on any clone.
    let escapedRoot = Paths.root.replacingOccurrences(of: "/", with: "\\/") + "\\/"
    expectGolden(out.replacingOccurrences(of: Paths.root + "/", with: "").replacingOccurrences(of: escapedRoot, with: ""),
      "exposure/after.\(format)")
  }
}
