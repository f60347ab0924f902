import NetworkPolicy
import Support
import Testing

@Suite struct BadInputTests {
  let loaded = Paths.load("bad/mixed.yaml")

  func diagnostic(_ code: String) -> Diagnostic? { loaded.diagnostics.first { $0.code == code } }

  @Test func malformedDocumentIsReportedAtItsLineAndTheRestIsRead() throws {
    let d = try #require(diagnostic("yaml-syntax"))
    #expect(d.location?.file.hasSuffix("bad/mixed.yaml") == true)
    #expect((6...9).contains(d.location?.line ?? 0))
    #expect(loaded.manifests.workloads.map(\.id) == ["ns1/a[Pod]"])
    #expect(loaded.manifests.policies.map(\.name) == ["good"])
  }

  @Test func unknownKindIsSkippedWithANote() throws {
    let d = try #require(diagnostic("skipped-kind"))
    #expect(d.severity == .warning)
    #expect(d.message.contains("ConfigMap ns1/settings"))
    #expect(d.location?.line == 10)
  }

  @Test(arguments: [
    ("invalid-selector", "NetworkPolicy ns1/bad-op: spec.podSelector.matchExpressions[0].operator", 19),
    ("invalid-cidr", "NetworkPolicy ns1/bad-cidr: spec.ingress[0].from[0].ipBlock.cidr", 27),
    ("invalid-port", "NetworkPolicy ns1/bad-port: spec.ingress[0].ports[0].port", 35),
  ])
  func invalidFieldNamesObjectAndField(_ code: String, _ prefix: String, _ line: Int) throws {
    let d = try #require(diagnostic(code))
    #expect(d.severity == .error)
    #expect(d.message.hasPrefix(prefix))
    #expect(d.location?.line == line)
  }

  @Test(arguments: ["", "\u{0}\u{1}binary", "[1, 2", "- just\n- a list\n", "{\"kind\": 5}", "---\n---\n", "a: &x [*x]"])
  func garbageNeverCrashes(_ text: String) {
    let r = ManifestLoader().load([("junk.yaml", Array(text.utf8))])
    #expect(r.manifests.workloads.isEmpty)
    _ = ConnectivityAnalysis(r.manifests).connections()
  }

  @Test func endPortNeedsNumericPort() {
    let text = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: n}
      spec:
        podSelector: {}
        ingress: [{ports: [{port: http, endPort: 90}]}]
      """
    let r = ManifestLoader().load([("p.yaml", Array(text.utf8))])
    #expect(r.diagnostics.map(\.code) == ["invalid-port"])
    #expect(r.manifests.policies.isEmpty)
  }
}
