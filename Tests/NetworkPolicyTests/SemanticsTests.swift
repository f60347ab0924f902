import Foundation
import NetworkPolicy
import Testing

/// One fixture per rule of the Kubernetes NetworkPolicy semantics, each with its golden `list` output.
/// Every fixture's first comment line says which rule it shows.
@Suite struct SemanticsTests {
  static let fixtures: [String] = {
    let dir = Paths.fixture("semantics")
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
  }()

  @Test func everyRuleHasAFixture() {
    #expect(Self.fixtures.count == 20)
  }

  @Test(arguments: fixtures)
  func listMatchesGolden(_ fixture: String) {
    let loaded = Paths.load("semantics/" + fixture)
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.rendered))")
    let text = ConnectionReport.render(ConnectivityAnalysis(loaded.manifests).connections(), as: .txt)
    expectGolden(text, "semantics/" + fixture.split(separator: ".")[0] + ".txt")
  }

  @Test func ownedPodsAreCountedOnce() {
    let w = Paths.load("semantics/18-owner-references.yaml").manifests.workloads.map(\.id).sorted()
    #expect(w == ["ns1/api[Deployment]", "ns1/report[CronJob]", "ns1/web-7d77fb55cc[ReplicaSet]"])
  }

  @Test(arguments: ReportFormat.allCases)
  func formatsMatchGolden(_ format: ReportFormat) {
    let loaded = Paths.load("semantics/14-named-ports.yaml")
    let text = ConnectionReport.render(ConnectivityAnalysis(loaded.manifests).connections(), as: format)
    expectGolden(text, "formats/named-ports.\(format.rawValue)")
  }

  @Test func directoryTreeIsReadInNameOrder() {
    let all = ManifestLoader().load(paths: [Paths.fixture("semantics")])
    #expect(all.documentsRead > 20)
    #expect(all.diagnostics.isEmpty)
  }

  @Test func stdinIsReadForDash() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: n}\n"
    let r = ManifestLoader().load(paths: ["-"], stdin: { Array(text.utf8) })
    #expect(r.manifests.workloads.map(\.id) == ["n/a[Pod]"])
  }
}
