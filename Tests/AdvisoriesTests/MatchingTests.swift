import Foundation
import Testing
@testable import Advisories

func v(_ s: String) -> UpstreamVersion { UpstreamVersion(s) ?? .origin }

/// A range per line, written out of order on purpose (as some published records are).
let unsorted = VersionRange(events: [
  .introduced(v("1.28.0")), .fixed(v("1.28.4")), .introduced(v("1.27.0")), .fixed(v("1.27.8")),
  .introduced(v("1.8.0")), .fixed(v("1.25.16")), .introduced(v("1.29.0")), .lastAffected(v("1.29.2")),
])

@Suite struct RangeTests {
  @Test(arguments: [
    ("1.7.9", false), ("1.8.0", true), ("1.25.15", true), ("1.25.16", false), ("1.26.3", false), ("1.27.0", true),
    ("1.27.7", true), ("1.27.8", false), ("1.28.0-rc.1", false), ("1.28.0", true), ("1.28.3", true), ("1.28.4", false),
    ("1.29.0-beta.0", false), ("1.29.0", true), ("1.29.2", true), ("1.29.3", false), ("1.30.0", false),
  ])
  func boundaries(_ version: String, _ affected: Bool) { #expect(unsorted.contains(v(version)) == affected, "\(version)") }

  @Test func eventsAreSorted() {
    #expect(unsorted.events.map(\.version) == unsorted.events.map(\.version).sorted())
  }

  @Test func introducedFromOriginCoversPrereleases() {
    let r = VersionRange(events: [.introduced(.origin), .fixed(v("1.1.12"))])
    #expect(r.contains(v("1.0.0-rc93")))
    #expect(r.contains(v("1.1.11")))
    #expect(!r.contains(v("1.1.12")))
  }

  @Test(arguments: [
    ("1.27.3", FixAdvice.sameLine(v("1.27.8"))), ("1.24.5", .laterLine(v("1.25.16"))), ("1.29.1", .none),
  ])
  func nearestFix(_ version: String, _ fix: FixAdvice) {
    #expect(Affected(components: [.kubelet], ranges: [unsorted]).fix(for: v(version)) == fix)
  }
}

func sample() -> AdvisoryDatabase {
  let etcd = Advisory(
    id: "GHSA-TEST-etcd", aliases: ["CVE-2021-28235"], summary: "test etcd issue", severity: Severity(level: .critical, score: 9.8),
    affected: [Affected(components: [.etcd], ranges: [VersionRange(events: [
      .introduced(v("3.4.10")), .fixed(v("3.4.25")), .introduced(v("3.5.0")), .fixed(v("3.5.8")),
    ])])])
  let win = Advisory(
    id: "CVE-TEST-win", summary: "windows only", severity: Severity(level: .high),
    affected: [Affected(components: [.kubelet], ranges: [VersionRange(events: [.introduced(v("1.28.0")), .fixed(v("1.28.4"))])],
                        conditions: ["windows-nodes"])])
  let k1 = Advisory(
    id: "CVE-TEST-k1", summary: "k8s issue one", severity: Severity(level: .medium),
    affected: [Affected(components: [.kubelet], ranges: [VersionRange(events: [
      .introduced(.origin), .fixed(v("1.28.6")), .introduced(v("1.29.0")), .fixed(v("1.29.2")),
    ])])])
  let k2 = Advisory(
    id: "CVE-TEST-k2", summary: "k8s issue two", severity: Severity(level: .high),
    affected: [Affected(components: [.kubelet], ranges: [VersionRange(events: [.introduced(v("1.28.0")), .lastAffected(v("1.28.9"))])])])
  let ssh = Advisory(
    id: "CVE-TEST-ssh", summary: "sshd race", severity: Severity(level: .high, score: 8.1),
    affected: [Affected(components: [.openssh], ranges: [VersionRange(events: [.introduced(v("8.5p1")), .fixed(v("9.8p1"))])])],
    debianFixes: [DebianFix(release: "bookworm", package: "openssh", fixedVersion: DebianVersion("1:9.2p1-2+deb12u3"))])
  return AdvisoryDatabase(data: AdvisoryData(
    generated: "2026-01-01", conditions: [Condition(id: "windows-nodes", description: "the cluster has Windows nodes")],
    advisories: [etcd, win, k1, k2, ssh],
    endOfLife: [EndOfLife(components: [.etcd], line: "3.4", date: nil, reference: "policy")]))
}

@Suite struct DatabaseMatchTests {
  @Test func etcdFindingNamesTheSameLineFix() throws {
    let m = try sample().matches(component: .etcd, version: "3.5.1")
    #expect(m.count == 1)
    #expect(m.first?.message.hasPrefix("etcd 3.5.1: GHSA-TEST-etcd (CVE-2021-28235) [critical 9.8]") == true)
    #expect(m.first?.fix == .sameLine(v("3.5.8")))
  }

  @Test func unknownVersionIsAnErrorNamingIt() {
    #expect(throws: AdvisoryError.self) { try sample().matches(component: .etcd, version: "three.five") }
    do { _ = try sample().matches(component: .etcd, version: "three.five") } catch {
      #expect(error.code == .unknownVersion)
      #expect(error.message.contains("three.five"))
    }
  }

  @Test func conditionsFilterOrStayPending() {
    let db = sample()
    #expect(db.matches(component: .kubelet, version: v("1.28.2"), conditions: ["windows-nodes": false]).map(\.advisory.id) == ["CVE-TEST-k2", "CVE-TEST-k1"])
    let unknown = db.matches(component: .kubelet, version: v("1.28.2"))
    #expect(unknown.first { $0.advisory.id == "CVE-TEST-win" }?.pendingConditions.map(\.id) == ["windows-nodes"])
    #expect(db.matches(component: .kubelet, version: v("1.28.2"), conditions: ["windows-nodes": true]).first { $0.advisory.id == "CVE-TEST-win" }?.pendingConditions == [])
  }

  @Test(arguments: [
    ("1:9.2p1-2", true), ("1:9.2p1-2+deb12u2", true), ("1:9.2p1-2+deb12u3", false), ("1:9.2p1-2+deb12u10", false),
  ])
  func debianBackportCountsAsFixed(_ installed: String, _ affected: Bool) throws {
    let m = sample().packageMatches(release: "bookworm", package: "openssh-server", debianVersion: try #require(DebianVersion(installed)))
    #expect(m.isEmpty == !affected)
    if affected { #expect(m.first?.fix == .package(try #require(DebianVersion("1:9.2p1-2+deb12u3")))) }
  }

  @Test func otherReleasesFallBackToUpstreamRanges() throws {
    let db = sample()
    #expect(!db.packageMatches(release: "trixie", package: "openssh-server", debianVersion: try #require(DebianVersion("1:9.7p1-1"))).isEmpty)
    #expect(db.packageMatches(release: "trixie", package: "openssh-server", debianVersion: try #require(DebianVersion("1:10.0p1-1"))).isEmpty)
    #expect(db.packageMatches(release: "bookworm", package: "nginx", debianVersion: try #require(DebianVersion("1.22.1-9"))).isEmpty)
  }

  @Test func endOfLifeByLine() {
    #expect(sample().endOfLife(component: .etcd, version: v("3.4.30"))?.line == "3.4")
    #expect(sample().endOfLife(component: .etcd, version: v("3.5.30")) == nil)
    let db = try? AdvisoryDatabase.shipped()
    #expect(db?.endOfLife(component: .kubelet, version: v("1.34.2"), today: Day("2026-10-26")) == nil)
    #expect(db?.endOfLife(component: .kubelet, version: v("1.34.2"), today: Day("2026-10-27"))?.date == "2026-10-27")
  }

  @Test func upgradeAdviceKeepsOneMinorStep() {
    let db = sample()
    let cands = ["1.28.6", "1.28.10", "1.29.1", "1.29.2", "1.30.0"].map(v)
    // 1.28.x: k2 is last_affected 1.28.9, so 1.28.10 clears it.
    #expect(db.upgradeAdvice(components: [.kubelet], from: v("1.28.2"), conditions: ["windows-nodes": false], candidates: cands)?.target == v("1.28.10"))
    // k1 is medium: it refuses only when medium does.
    #expect(db.upgradeAdvice(components: [.kubelet], from: v("1.29.0"), candidates: cands) == nil)
    #expect(db.upgradeAdvice(components: [.kubelet], from: v("1.29.0"), refuseAt: .medium, candidates: cands)?.target == v("1.29.2"))
    // From 1.27, through 1.28 (where k2 still refuses) to 1.29.2: one minor per upgrade.
    #expect(db.upgradeAdvice(components: [.kubelet], from: v("1.27.0"), refuseAt: .medium, candidates: ["1.29.2"].map(v))?
      .steps.map(\.description) == ["1.28.6", "1.29.2"])
  }
}

@Suite struct PolicyTests {
  let today = Day("2026-06-15")!

  func findings(_ waivers: [AdvisoryWaiver], refuseAt: Severity.Level = .high) throws -> [Finding] {
    VulnerabilityPolicy(refuseAt: refuseAt, waivers: waivers).evaluate(try sample().matches(component: .etcd, version: "3.5.1"), today: today)
  }

  @Test func defaultRefusesCriticalAndHigh() throws {
    #expect(try findings([]).map(\.level) == [.error])
    #expect(try findings([], refuseAt: .critical).map(\.level) == [.error])
    let medium = VulnerabilityPolicy().evaluate(sample().matches(component: .kubelet, version: v("1.29.0"), conditions: ["windows-nodes": false]), today: today)
    #expect(medium.map(\.level) == [.warning])
  }

  @Test(arguments: [("2026-06-15", true), ("2026-12-31", true), ("2026-06-14", false), ("2025-01-01", false)])
  func waiverExpiry(_ expires: String, _ counts: Bool) throws {
    let waiver = AdvisoryWaiver(id: "CVE-2021-28235", reason: "etcd not exposed", expires: try #require(Day(expires)))
    let fs = try findings([waiver])
    let finding = try #require(fs.first { $0.ruleID == "GHSA-TEST-etcd" })
    #expect((finding.suppressedBecause != nil) == counts)
    #expect(VulnerabilityPolicy.refuses(fs) == !counts)
    let problems = VulnerabilityPolicy(waivers: [waiver]).waiverProblems(today: today, isKnown: sample().knows)
    #expect(problems.map(\.finding.ruleID) == (counts ? [] : [VulnerabilityPolicy.ruleWaiverExpired]))
    #expect(problems.allSatisfy { $0.finding.level == .warning && $0.field == "expires" })
  }

  @Test func pendingConditionsWarnInsteadOfRefusing() {
    let fs = VulnerabilityPolicy().evaluate(sample().matches(component: .kubelet, version: v("1.28.2")), today: today)
    #expect(fs.first { $0.ruleID == "CVE-TEST-win" }?.level == .warning)
    #expect(fs.first { $0.ruleID == "CVE-TEST-k2" }?.level == .error)
  }
}

import Findings
