import Foundation
import FoundationXML
import Testing

@testable import Hardening

/// The audit's SARIF and JUnit, written through the Findings module: parsed back and checked for
/// what SARIF 2.1.0 and JUnit consumers read.
@Suite struct AuditReportTests {
  static func check(_ id: String) throws -> Check { try #require(Catalogue.all.first { $0.id == id }) }

  static func audits() throws -> [HostAudit] {
    [
      HostAudit(host: "e1", results: [
        AuditResult(check: try check("H20"), status: .pass),
        AuditResult(check: try check("E8"), status: .fail(actual: "755")),
        AuditResult(check: try check("SY12"), status: .waived(reason: "trade-off <&> \"measured\"")),
        AuditResult(check: try check("SY18"), status: .notSettable(actual: "0")),
      ]),
      HostAudit(host: "e2", results: [], error: "timed out <after 10 s>"),
    ]
  }

  @Test func sarifCarriesEachFailureAndWaiverWithItsRule() throws {
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(AuditReport.sarif(try Self.audits()).utf8)) as? [String: Any])
    #expect(doc["version"] as? String == "2.1.0")
    let run = try #require((doc["runs"] as? [[String: Any]])?.first)
    let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
    #expect(rules.compactMap { $0["id"] as? String } == ["H20", "E8", "SY12", "SY18"])
    #expect((rules[1]["properties"] as? [String: String])?["cis"] == "1.1.11")
    #expect(rules[3]["properties"] == nil, "a check without a CIS ID has no cis property")
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.compactMap { $0["ruleId"] as? String } == ["E8", "SY12"], "passed and not-settable checks have no result")
    for r in results {
      #expect(r["level"] as? String == "error")
      #expect((r["message"] as? [String: Any])?["text"] is String)
      let place = ((r["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: Any]])?.first
      #expect(place?["name"] as? String == "e1" && place?["kind"] as? String == "host")
      let index = try #require(r["ruleIndex"] as? Int)
      #expect(rules[index]["id"] as? String == r["ruleId"] as? String)
    }
    #expect((results[0]["message"] as? [String: Any])?["text"] as? String == "e1: etcd data dir 700: is 755, wants 700 or stricter")
    #expect(results[0]["suppressions"] == nil)
    let suppression = (results[1]["suppressions"] as? [[String: Any]])?.first
    #expect(suppression?["kind"] as? String == "external" && suppression?["justification"] as? String == "trade-off <&> \"measured\"")
  }

  @Test func junitHasASuitePerHostAndACasePerCheck() throws {
    let xml = try XMLDocument(xmlString: AuditReport.junit(try Self.audits()))
    let suites = try xml.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
    #expect(suites.compactMap { $0.attribute(forName: "name")?.stringValue } == ["e1", "e2"])
    let e1 = suites[0]
    #expect(e1.attribute(forName: "tests")?.stringValue == "4")
    #expect(e1.attribute(forName: "failures")?.stringValue == "1" && e1.attribute(forName: "skipped")?.stringValue == "2")
    let cases = e1.elements(forName: "testcase")
    #expect(cases.compactMap { $0.attribute(forName: "name")?.stringValue }.sorted() == ["E8", "H20", "SY12", "SY18"])
    let skipped = try xml.nodes(forXPath: "//testcase/skipped/@message").compactMap(\.stringValue)
    #expect(skipped.sorted() == ["not settable on this host (shared kernel)", "trade-off <&> \"measured\""])
    let failures = try xml.nodes(forXPath: "//testcase/failure/@message").compactMap(\.stringValue)
    #expect(failures == ["e1: etcd data dir 700: is 755, wants 700 or stricter", "could not be audited: timed out <after 10 s>"])
  }

  @Test func textNamesEachHostThatCouldNotBeAuditedAndCountsThemInTheSummary() throws {
    let text = AuditReport.text(try Self.audits())
    #expect(text.contains("e2: could not be audited: timed out <after 10 s>\n"))
    #expect(text.hasSuffix("on 2 hosts; score 50%; 1 of 2 hosts could not be audited (e2).\n"), "\(text)")
    let clean = AuditReport.text([try Self.audits()[0]])
    #expect(clean.hasSuffix("on 1 hosts; score 50%.\n"), "\(clean)")
  }
}
