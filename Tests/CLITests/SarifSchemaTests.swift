import Advisories
import Drift
import Findings
import Foundation
@testable import Hardening
import Orchestration
import TestSupport
import Testing

/// The SARIF `validate -o sarif` and `plan -o sarif` print (FindingFormats.sarif over the check's
/// findings and rules), and what `drift`, `audit` and `advisories list` print, against a SARIF 2.1.0 schema (Fixtures/sarif-2.1.0-subset.schema.json, written
/// from the standard), with python3's jsonschema (`make deps` installs it).
@Suite struct SarifSchemaTests {
  static let fixtures = repositoryRoot() + "/Tests/CLITests/Fixtures"

  /// hybrid.yaml on vulnerable versions, with a live waiver, an unknown one and its host-key warnings: every kind of finding.
  func sarif() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sarif-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // The sample moved to fixed versions; pinned back to etcd 3.5.1 and containerd 1.7.22 here.
    let hybrid = try String(contentsOfFile: repositoryRoot() + "/inventories/hybrid.yaml", encoding: .utf8)
      .replacingOccurrences(of: "    etcd: 3.5.30\n", with: "    etcd: 3.5.1\n")
      .replacingOccurrences(of: "    containerd: 2.1.9\n", with: "    containerd: 1.7.22\n")
    let text = hybrid + [
      "", "  security:", "    vulnerabilities:", "      waivers:",
      "        - {id: CVE-2021-28235, reason: \"etcd debug logging is off (no --log-level=debug)\", expires: 2026-12-31}",
      "        - {id: CVE-2000-0000, reason: \"not an advisory\", expires: 2026-12-31}", "",
    ].joined(separator: "\n")
    let path = dir + "/hybrid.yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let check = try InventoryCheck.run(path: path, dataPath: "/nonexistent/advisories.json", today: "2026-12-02")
    let findings = check.findings
    #expect(findings.contains { $0.suppressedBecause != nil })
    #expect(findings.contains { $0.ruleID == "waiver-unknown-advisory" && $0.position != nil })
    #expect(findings.contains { $0.level == .error && $0.suppressedBecause == nil })
    let advice = findings.filter { $0.ruleID == SecurityFloor.ruleUpgradeAdvice }
    #expect(advice.map(\.message) == ["etcd 3.5.1 -> 3.5.8 clears every finding at or above high",
                                      "containerd 1.7.22 -> 1.7.29 clears every finding at or above high"])
    #expect(advice.allSatisfy { $0.level == .note && $0.position?.line ?? 0 > 0 })
    #expect(check.rules.contains { $0.id == SecurityFloor.ruleUpgradeAdvice })
    return FindingFormats.sarif(findings, rules: check.rules, toolVersion: "test")
  }

  func validate(_ sarif: String) async throws -> (status: Int32, output: String) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-\(UUID().uuidString).sarif").path
    try sarif.write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let r = try await ChildProcess.run("/usr/bin/env",
      ["python3", Self.fixtures + "/validate_sarif.py", Self.fixtures + "/sarif-2.1.0-subset.schema.json", file])
    return (r.status, r.output)
  }

  @Test func emittedSarifIsValid() async throws {
    let result = try await validate(try sarif())
    #expect(result.status == 0, "\(result.output)")
  }

  /// drift -o sarif: drifted items on two hosts, one host not checked, one clean.
  static func driftSarif() -> String {
    DriftReport.sarif([
      HostDrift(host: "lab1", findings: [
        DriftFinding(item: "etcd-install/lab1/peer-key", summary: "etcd peer key", detail: "mode 0644 -> 0600", rule: "step/etcd.install"),
        DriftFinding(item: "hardening/SY12", summary: "TCP SYN cookies", detail: "is 0, wants 1", rule: "hardening/SY12"),
      ], compared: 40),
      HostDrift(host: "lab2", findings: [DriftFinding(item: "etcd/lab2/flag/auto-tls", summary: "running etcd flag --auto-tls",
        detail: "is true, the unit says false", rule: "etcd/flag")], compared: 40),
      HostDrift(host: "lab3", findings: [], compared: 0, error: "connection refused"),
      HostDrift(host: "lab4", findings: [], compared: 40),
    ])
  }

  /// advisories list --component etcd --version 3.5.1 on the shipped data, and a version with none.
  static func advisoriesSarif(_ version: String) throws -> String {
    let data = try AdvisoryDatabase.shipped()
    let v = try #require(UpstreamVersion(version))
    return AdvisoryListing(data, component: .etcd, version: v, conditions: [:], today: try #require(Day("2026-12-02"))).sarif
  }

  /// audit -o sarif: a failed, a waived and a not-settable check, with an advisory on what a host runs.
  static func auditSarif() throws -> String {
    let checks = Catalogue.all.prefix(3)
    let audit = HostAudit(host: "lab1", results: zip(checks, [CheckStatus.fail(actual: "0"), .waived(reason: "measured trade-off"), .notSettable(actual: "1")])
      .map { AuditResult(check: $0, status: $1) })
    let advisory = Finding(ruleID: "CVE-2024-6387", level: .error, message: "openssh-server 1:9.2p1-2: CVE-2024-6387",
      logicalName: "lab1", logicalKind: "host", suppressedBecause: "lab: upgrade test")
    return AuditReport.sarif([audit], extra: [advisory], extraRules: [FindingRule(id: "CVE-2024-6387", title: "regreSSHion")])
  }

  @Test func driftAuditAndAdvisoriesSarifIsValid() async throws {
    for (what, text) in [("drift", Self.driftSarif()), ("audit", try Self.auditSarif()),
                         ("advisories etcd 3.5.1", try Self.advisoriesSarif("3.5.1")),
                         ("advisories etcd 3.5.30", try Self.advisoriesSarif("3.5.30"))] {
      let result = try await validate(text)
      #expect(result.status == 0, "\(what): \(result.output)")
    }
    #expect(try Self.advisoriesSarif("3.5.1").contains("\"ruleId\" : \"GHSA-gmph-wf7j-9gcm\""))
    #expect(try Self.advisoriesSarif("3.5.1").contains("\"text\" : \"etcd 3.5.1 -> 3.5.8 clears every finding at or above high\""))
    #expect(try !Self.advisoriesSarif("3.5.30").contains("upgrade-advice"))
  }

  @Test func theSchemaCatchesWhatIsWrongInDrift() async throws {
    let good = Self.driftSarif()
    let bad = good.replacingOccurrences(of: "\"kind\" : \"host\"", with: "\"kind\" : 7")
    #expect(bad != good)
    let result = try await validate(bad)
    #expect(result.status == 3 && result.output.contains("is not of type 'string'"), "\(result.output)")
  }

  @Test func theSchemaCatchesWhatIsWrong() async throws {
    let good = try sarif()
    for (what, bad, complaint) in [
      ("a level SARIF does not have", good.replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\""),
       "'fatal' is not one of"),
      ("a line 0", good.replacingOccurrences(of: "\"startLine\" : 14", with: "\"startLine\" : 0"), "0 is less than the minimum of 1"),
      ("a misspelt member", good.replacingOccurrences(of: "\"justification\"", with: "\"justfication\""),
       "Additional properties are not allowed"),
    ] {
      #expect(bad != good, "\(what): the mutation changed nothing")
      let result = try await validate(bad)
      #expect(result.status == 3 && result.output.contains(complaint), "\(what): \(result.output)")
    }
  }

  @Test func rulesCarryTheAdvisorysFacts() throws {
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(try sarif().utf8)) as? [String: Any])
    let runs = try #require(doc["runs"] as? [[String: Any]])
    let driver = try #require((runs.first?["tool"] as? [String: Any])?["driver"] as? [String: Any])
    let rules = try #require(driver["rules"] as? [[String: Any]])
    let etcd = try #require(rules.first { $0["id"] as? String == "GHSA-gmph-wf7j-9gcm" })
    #expect((etcd["properties"] as? [String: String])?["severity"] == "critical 9.8")
    #expect(etcd["helpUri"] as? String == "https://github.com/advisories/GHSA-gmph-wf7j-9gcm")
  }
}
