import Advisories
import Inventory
import Support
import Testing

/// `spec.security.vulnerabilities` as the loader reads it: defaults, waivers, and every problem at
/// once with its file:line:col.
@Suite struct SecurityPolicyDecodingTests {
  func load(_ security: [String]) -> InventoryLoader.Loaded {
    let lines = [
      "apiVersion: bulwark.dev/v1alpha1", "kind: Cluster", "metadata:", "  name: lab", "spec:",
      "  versions:", "    etcd: 3.5.8",
      "  hosts:", "    - {name: e1, address: 10.0.0.1, roles: [etcd]}",
    ] + security
    return InventoryLoader().load(bytes: Array(lines.joined(separator: "\n").utf8), file: "inv.yaml")
  }

  @Test func withoutASectionCriticalAndHighRefuse() throws {
    let inv = try #require(load([]).inventory)
    #expect(inv.security.vulnerabilities.refuseAt == .high)
    #expect(inv.security.vulnerabilities.waivers.isEmpty)
  }

  @Test func waiversAreRead() throws {
    let loaded = load([
      "  security:", "    vulnerabilities:", "      refuseAt: critical", "      waivers:",
      "        - id: CVE-2021-28235", "          reason: debug logging is off", "          expires: 2026-12-31",
    ])
    #expect(loaded.diagnostics.isEmpty)
    let policy = try #require(loaded.inventory).security.vulnerabilities
    #expect(policy.refuseAt == .critical)
    #expect(policy.waivers == [AdvisoryWaiver(
      id: "CVE-2021-28235", reason: "debug logging is off", expires: Day("2026-12-31")!,
      path: "spec.security.vulnerabilities.waivers[0]")])
  }

  @Test func everyProblemAtOnceWithItsPosition() {
    let loaded = load([
      "  security:", "    vulnerabilities:", "      refuseAt: severe", "      waivers:",
      "        - {id: CVE-1, reason: \" \", expires: 2026-12-31}",   // line 14
      "        - {id: CVE-2, reason: r, expires: 2026-02-30}",       // line 15
      "        - {reason: r}",                                        // line 16
      "        - {id: CVE-3, reason: r, expires: 2026-12-31, by: me}", // line 17
      "        - {id: CVE-3, reason: r, expires: 2027-01-31}",       // line 18
    ])
    let got = loaded.diagnostics.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.severity) \($0.code)" }
    #expect(got.sorted() == [
      "12:17 error invalid-value",
      "14:31 error missing-field",
      "15:43 error bad-date",
      "16:11 error missing-field",
      "16:11 error missing-field",
      "17:55 error unknown-field",
      "18:16 warning duplicate-waiver",
    ].sorted(), "\(loaded.diagnostics.map(\.rendered))")
  }
}
