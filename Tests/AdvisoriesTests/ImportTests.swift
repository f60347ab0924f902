import ArgumentParser
import Foundation
import Testing
@testable import Advisories
@testable import BulwarkCLI
import Support

func tempFile(_ name: String, _ text: String) throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adv-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let path = dir.appendingPathComponent(name).path
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  return path
}

/// A small feed in the shape of kubernetes.io's official CVE feed (JSON Feed 1.1), written for this test.
let feed = #"""
{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Kubernetes Vulnerability Announcements - CVE Feed",
  "home_page_url": "https://kubernetes.io",
  "items": [
    {
      "id": "CVE-2099-0001",
      "url": "https://www.cve.org/cverecord?id=CVE-2099-0001",
      "external_url": "https://github.com/kubernetes/kubernetes/issues/99991",
      "summary": "Test kubelet issue",
      "date_published": "2099-01-02T10:00:00Z",
      "content_text": "CVSS Rating: [CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H](https://example.invalid)\n\n### Am I vulnerable?\n\n#### Affected Versions\n\n- kubelet v1.30.0 - v1.30.2\n- kubelet v1.29.0 - v1.29.6\n- kubelet <= v1.28.11\n\n#### Fixed Versions\n\n- kubelet v1.30.3\n- kubelet v1.29.7\n- kubelet v1.28.12\n\n### Detection\n\nNothing here.\n"
    },
    {
      "id": "CVE-2099-0002",
      "url": "https://www.cve.org/cverecord?id=CVE-2099-0002",
      "external_url": "https://github.com/kubernetes/kubernetes/issues/99992",
      "summary": "ingress-nginx annotation injection",
      "content_text": "#### Affected Versions\n\n- ingress-nginx < v1.11.5\n"
    }
  ]
}
"""#

let osv = #"""
{
  "schema_version": "1.4.0",
  "id": "GHSA-test-0001",
  "modified": "2099-01-01T00:00:00Z",
  "aliases": ["CVE-2099-1111"],
  "summary": "test containerd issue",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H"}],
  "affected": [
    {"package": {"ecosystem": "Go", "name": "github.com/containerd/containerd"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.7.0"}, {"fixed": "1.7.27"}, {"introduced": "0"}, {"fixed": "1.6.38"}]},
                {"type": "GIT", "repo": "https://github.com/containerd/containerd", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}],
     "database_specific": {"last_known_affected_version_range": "<= 1.7.26"}},
    {"package": {"ecosystem": "Debian:12", "name": "containerd"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.6.20~ds1-1+deb12u1"}]}]},
    {"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": []}
  ],
  "references": [{"type": "ADVISORY", "url": "https://example.invalid/GHSA-test-0001"}],
  "database_specific": {"severity": "HIGH"}
}
"""#

@Suite struct FeedImportTests {
  @Test func readsAffectedAndFixedFromMarkdown() throws {
    let path = try tempFile("feed.json", feed)
    let (data, report) = try AdvisoryImport.read(paths: [path], today: "2099-01-03").get()
    #expect(data.advisories.count == 1)
    let a = try #require(data.advisories.first)
    #expect(a.id == "CVE-2099-0001")
    #expect(a.severity.level == .high && a.severity.score == 8.8)
    #expect(a.published == "2099-01-02")
    let aff = try #require(a.affected.first)
    #expect(aff.components == [.kubelet])
    for (ver, hit) in [("1.28.11", true), ("1.28.12", false), ("1.29.6", true), ("1.29.7", false), ("1.30.0", true), ("1.30.3", false), ("1.31.0", false)] {
      #expect(aff.contains(v(ver)) == hit, "\(ver)")
    }
    #expect(aff.fix(for: v("1.29.2")) == .sameLine(v("1.29.7")))
    #expect(report.skipped.contains { $0.hasPrefix("CVE-2099-0002") })
  }

  @Test func malformedFeedReportsItsPosition() throws {
    let path = try tempFile("bad-feed.json", "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"items\": [\n    {\"id\": \"CVE-1\" \"summary\": \"x\"}\n  ]\n}\n")
    let result = AdvisoryImport.read(paths: [path], today: "2099-01-03")
    guard case .failure(let e) = result else { Issue.record("expected a failure"); return }
    let d = try #require(e.diagnostics.first)
    #expect(e.code == .badInput)
    #expect(d.location?.file == path && d.location?.line == 4)
  }
}

@Suite struct OSVImportTests {
  @Test func readsRangesSeverityAndDebianFixes() throws {
    let path = try tempFile("osv.json", osv)
    let (data, report) = try AdvisoryImport.read(paths: [path], today: "2099-01-03").get()
    let a = try #require(data.advisories.first)
    #expect(a.aliases == ["CVE-2099-1111"])
    #expect(a.severity.score == 8.6 && a.severity.level == .high)
    let aff = try #require(a.affected.first)
    #expect(aff.components == [.containerd])
    #expect(aff.contains(v("1.6.37")) && !aff.contains(v("1.6.38")) && aff.contains(v("1.7.26")) && !aff.contains(v("1.7.27")))
    #expect(a.debianFixes == [DebianFix(release: "bookworm", package: "containerd", fixedVersion: DebianVersion("1.6.20~ds1-1+deb12u1"))])
    #expect(report.skipped.contains { $0.contains("GIT") })
    #expect(report.skipped.contains { $0.contains("left-pad") })
  }

  @Test func unknownVersionInOSVIsAnErrorWithPosition() throws {
    let path = try tempFile("osv-bad.json", "{\"id\": \"X-1\", \"modified\": \"2099\",\n \"affected\": [{\"package\": {\"ecosystem\": \"Go\", \"name\": \"github.com/opencontainers/runc\"},\n \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"zero\"}]}]}]}\n")
    guard case .failure(let e) = AdvisoryImport.read(paths: [path], today: "2099-01-03") else { Issue.record("expected a failure"); return }
    let d = try #require(e.diagnostics.first { $0.code == "unknown-version" })
    #expect(d.message.contains("\"zero\""))
    #expect(d.location?.line == 3)
  }
}

@Suite struct ShippedDataTests {
  @Test func loadsAndHoldsTheKeyFacts() throws {
    let db = try AdvisoryDatabase.shipped()
    #expect(db.data.advisories.count >= 30)
    #expect(db.data.sources.count >= 5)
    let etcd = try db.matches(component: .etcd, version: "3.5.1")
    #expect(etcd.first { $0.advisory.aliases.contains("CVE-2021-28235") }?.fix == .sameLine(v("3.5.8")))
    #expect(try db.matches(component: .runc, version: "1.3.2").filter { $0.advisory.aliases.contains("CVE-2025-31133") }.first?.fix == .sameLine(v("1.3.3")))
    #expect(try db.matches(component: .runc, version: "1.4.0-rc.2").contains { $0.advisory.aliases.contains("CVE-2025-52881") })
    #expect(try !db.matches(component: .runc, version: "1.4.0-rc.3").contains { $0.advisory.aliases.contains("CVE-2025-52881") })
    let deb = try #require(DebianVersion("1:9.2p1-2+deb12u3"))
    #expect(!db.packageMatches(release: "bookworm", package: "openssh-server", debianVersion: deb).contains { $0.advisory.id == "CVE-2024-6387" })
    #expect(db.packageMatches(release: "bookworm", package: "openssh-server", debianVersion: try #require(DebianVersion("1:9.2p1-2+deb12u2"))).contains { $0.advisory.id == "CVE-2024-6387" })
    #expect(try db.matches(component: .openssh, version: "9.7p1").contains { $0.advisory.id == "CVE-2024-6387" })
    #expect(db.endOfLife(component: .kubeAPIServer, version: v("1.30.4"))?.date == "2025-07-15")
  }
}

@Suite struct CLIImportTests {
  @Test func badFileChangesNothingInTheStateFile() async throws {
    let good = try tempFile("feed.json", feed)
    let state = (good as NSString).deletingLastPathComponent + "/state.json"
    var first = try AdvisoriesCommand.Import.parse(["--data", state, good])
    try await first.run()
    let before = try Data(contentsOf: URL(fileURLWithPath: state))
    let bad = try tempFile("bad.json", "{\"id\": \"X\", \"affected\": [ {\"package\": 3 ]}")
    var second = try AdvisoriesCommand.Import.parse(["--data", state, good, bad])
    await #expect(throws: (any Error).self) { try await second.run() }
    #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == before)
    let merged = try AdvisoryDatabase.load(path: state)
    #expect(merged.data.advisories.map(\.id) == ["CVE-2099-0001"])
  }
}

/// `advisories list` exit codes a pipeline gates on, whatever the output format.
@Suite struct CLIListExitTests {
  func exitCode(_ args: [String]) async throws -> Int32 {
    var list = try AdvisoriesCommand.List.parse(["--data", "/nonexistent/advisories.json"] + args)
    do { try await list.run() } catch let e as ExitCode { return e.rawValue }
    return 0
  }

  @Test func refusingVersionsExit2InEveryFormat() async throws {
    for format in ["text", "sarif", "junit", "json", "ids"] {
      #expect(try await exitCode(["--component", "etcd", "--version", "3.5.1", "-o", format]) == 2, "\(format)")
      #expect(try await exitCode(["--component", "etcd", "--version", "3.5.30", "-o", format]) == 0, "\(format)")
    }
  }

  @Test func sarifOrJUnitWithoutAVersionIsBadInput() async throws {
    #expect(try await exitCode(["-o", "sarif"]) == 3)
    #expect(try await exitCode(["--component", "etcd", "-o", "junit"]) == 3)
    #expect(try await exitCode(["--component", "etcd", "--version", "three", "-o", "sarif"]) == 3)
  }
}
