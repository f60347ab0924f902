import Advisories
import Findings
import Foundation
import Inventory
import Orchestration
import TestSupport
import Testing

/// Small advisory data for the policy table: a critical one (found by its alias in waivers), a medium
/// one, a high one that needs etcd's own users (which Bulwark clusters never use), and etcd 3.4's end of life.
private func data() -> AdvisoryDatabase {
  func v(_ s: String) -> UpstreamVersion { UpstreamVersion(s)! }
  let critical = Advisory(
    id: "GHSA-TEST-crit", aliases: ["CVE-2099-0001"], summary: "critical etcd issue", severity: Severity(level: .critical, score: 9.8),
    affected: [Affected(components: [.etcd], ranges: [VersionRange(events: [.introduced(v("3.5.0")), .fixed(v("3.5.8"))])])])
  let medium = Advisory(
    id: "CVE-2099-0002", summary: "medium etcd issue", severity: Severity(level: .medium, score: 5.3),
    affected: [Affected(components: [.etcd], ranges: [VersionRange(events: [.introduced(v("3.5.0")), .fixed(v("3.5.5"))])])])
  let authOnly = Advisory(
    id: "CVE-2099-0003", summary: "needs etcd users", severity: Severity(level: .high),
    affected: [Affected(components: [.etcd], ranges: [VersionRange(events: [.introduced(v("3.5.0")), .fixed(v("3.5.3"))])],
                        conditions: ["etcd-auth"])])
  let kubernetes = Advisory(
    id: "CVE-2099-0004", summary: "kubelet and kubeadm issue", severity: Severity(level: .high),
    affected: [Affected(components: [.kubelet, .kubeadm], ranges: [VersionRange(events: [.introduced(v("1.31.0")), .fixed(v("1.31.6"))])])])
  return AdvisoryDatabase(data: AdvisoryData(
    generated: "2026-01-01", advisories: [critical, medium, authOnly, kubernetes],
    endOfLife: [EndOfLife(components: [.etcd], line: "3.4", date: nil, reference: "etcd versioning policy")]))
}

private let today = Day("2026-06-15")!

/// An inventory pinning etcd `etcd`, with `security` (lines already indented under spec) and more spec lines.
private func inventory(etcd: String = "3.5.1", security: [String] = [], more: [String] = []) throws -> Inventory {
  let lines = [
    "apiVersion: bulwark.dev/v1alpha1", "kind: Cluster", "metadata:", "  name: lab", "spec:",
    "  versions:", "    etcd: \(etcd)", "    kubernetes: 1.31.2",
  ] + security + more + [
    "  hosts:",
    "    - {name: e1, address: 10.0.0.1, roles: [etcd]}",
    "    - {name: e2, address: 10.0.0.2, roles: [etcd]}",
    "    - {name: e3, address: 10.0.0.3, roles: [etcd]}",
  ]
  let loaded = InventoryLoader().load(bytes: Array(lines.joined(separator: "\n").utf8), file: "inv.yaml")
  #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.rendered))")
  return try #require(loaded.inventory)
}

private func waivers(_ entries: [(String, String)], refuseAt: String? = nil) -> [String] {
  ["  security:", "    vulnerabilities:"] + (refuseAt.map { ["      refuseAt: \($0)"] } ?? []) + (entries.isEmpty ? [] : ["      waivers:"])
    + entries.map { "        - {id: \($0.0), reason: \"etcd reachable only by the apiservers\", expires: \($0.1)}" }
}

/// One row: what a finding came out as. `waived` is true when a live waiver suppresses it.
struct PolicyOutcome: Equatable, CustomStringConvertible {
  var rule: String, level: Finding.Level, waived: Bool
  init(_ rule: String, _ level: Finding.Level, waived: Bool = false) { (self.rule, self.level, self.waived) = (rule, level, waived) }
  init(_ f: Finding) { self.init(f.ruleID, f.level, waived: f.suppressedBecause != nil) }
  var description: String { "\(rule) \(level)\(waived ? " waived" : "")" }
}

@Suite struct SecurityPolicyTableTests {
  @Test(arguments: [
    // default: critical and high refuse, medium warns; a condition known false (etcd-auth) removes a match
    ("default", "3.5.1", [String](), [PolicyOutcome("GHSA-TEST-crit", .error), PolicyOutcome("CVE-2099-0002", .warning), PolicyOutcome("CVE-2099-0004", .error)], true),
    ("refuseAt medium", "3.5.1", waivers([], refuseAt: "medium"),
     [PolicyOutcome("GHSA-TEST-crit", .error), PolicyOutcome("CVE-2099-0002", .error), PolicyOutcome("CVE-2099-0004", .error)], true),
    ("waived by alias, live", "3.5.1", waivers([("CVE-2099-0001", "2026-06-15"), ("CVE-2099-0004", "2026-12-31")]),
     [PolicyOutcome("GHSA-TEST-crit", .error, waived: true), PolicyOutcome("CVE-2099-0002", .warning), PolicyOutcome("CVE-2099-0004", .error, waived: true)], false),
    ("waiver expired yesterday", "3.5.1", waivers([("GHSA-TEST-crit", "2026-06-14"), ("CVE-2099-0004", "2026-12-31")]),
     [PolicyOutcome("GHSA-TEST-crit", .error), PolicyOutcome("CVE-2099-0002", .warning), PolicyOutcome("CVE-2099-0004", .error, waived: true),
      PolicyOutcome(VulnerabilityPolicy.ruleWaiverExpired, .warning)], true),
    ("fixed etcd", "3.5.8", waivers([("CVE-2099-0004", "2026-12-31")]), [PolicyOutcome("CVE-2099-0004", .error, waived: true)], false),
    ("end of life warns", "3.4.20", waivers([("CVE-2099-0004", "2026-12-31")]),
     [PolicyOutcome(VulnerabilityPolicy.ruleEndOfLife, .warning), PolicyOutcome("CVE-2099-0004", .error, waived: true)], false),
  ])
  func policy(_ name: String, _ etcd: String, _ security: [String], _ expected: [PolicyOutcome], _ refuses: Bool) throws {
    let inv = try inventory(etcd: etcd, security: security)
    let findings = SecurityFloor.findings(inv, data: data(), today: today)
    #expect(findings.map(PolicyOutcome.init) == expected, "\(name)")
    #expect(VulnerabilityPolicy.refuses(findings) == refuses, "\(name)")
    var refused = false
    do { try SecurityFloor.enforce(findings, policy: inv.security.vulnerabilities) } catch {
      refused = error.kind == .refused
    }
    #expect(refused == refuses, "\(name)")
  }
}

@Suite struct SecurityFloorPositionTests {
  @Test func findingsPointAtTheFieldThatPinnedTheVersion() throws {
    let inv = try inventory(security: waivers([("CVE-2099-9999", "2026-12-31"), ("CVE-2099-0001", "2026-01-01")]))
    let findings = SecurityFloor.findings(inv, data: data(), today: today)
    func at(_ rule: String) -> String? {
      findings.first { $0.ruleID == rule }?.position.map { "\($0.file):\($0.line):\($0.column)" }
    }
    #expect(at("GHSA-TEST-crit") == "inv.yaml:7:11")  // `    etcd: 3.5.1`
    #expect(at("CVE-2099-0004") == "inv.yaml:8:17")   // `    kubernetes: 1.31.2`
    #expect(at(VulnerabilityPolicy.ruleWaiverUnknown) == "inv.yaml:12:16")
    #expect(at(VulnerabilityPolicy.ruleWaiverExpired) == "inv.yaml:13:89")
    let crit = try #require(findings.first { $0.ruleID == "GHSA-TEST-crit" })
    #expect(crit.message.hasPrefix("etcd 3.5.1: GHSA-TEST-crit (CVE-2099-0001) [critical 9.8] critical etcd issue, fixed in 3.5.8"))
  }

  @Test func aKubernetesAdvisoryIsReportedOnceForAllItsBinaries() throws {
    let findings = SecurityFloor.findings(try inventory(etcd: "3.5.8"), data: data(), today: today)
    #expect(findings.filter { $0.ruleID == "CVE-2099-0004" }.count == 1)
  }

  @Test func anArtifactNamingItsOwnVersionIsCheckedAtItsURL() throws {
    let sha = String(repeating: "a", count: 64)
    let inv = try inventory(etcd: "3.5.8", more: [
      "  artifacts:", "    etcd:",
      "      url: https://example.invalid/v3.5.1/etcd-v3.5.1-linux-amd64.tar.gz", "      sha256: \(sha)",
      "    kubernetes:", "      file: /srv/kubernetes/v{version}",
    ])
    #expect(SecurityFloor.pins(inv).map(\.path) == ["spec.versions.etcd", "spec.versions.kubernetes", "spec.artifacts.etcd.url"])
    let crit = try #require(SecurityFloor.findings(inv, data: data(), today: today).first { $0.ruleID == "GHSA-TEST-crit" })
    #expect(crit.position?.line == 11)
    #expect(crit.message.hasPrefix("etcd 3.5.1:"))
  }
}

@Suite struct SampleInventoryExposureTests {
  /// inventories/hybrid.yaml pins etcd 3.5.30, Kubernetes 1.36 and containerd 2.1.9: nothing in the
  /// shipped data refuses it.
  @Test func theSampleIsOnFixedVersions() throws {
    let check = try InventoryCheck.run(path: repositoryRoot() + "/inventories/hybrid.yaml", dataPath: "/nonexistent/advisories.json",
      today: "2026-12-02")
    #expect(!check.advisories.contains { $0.level == .error && $0.suppressedBecause == nil }, "\(check.advisories.map(\.message))")
    #expect(throws: Never.self) { try check.inventory() }
  }

  /// What the sample is really exposed to, once what every Bulwark cluster is settles the conditions:
  /// the apiserver runs DenyServiceExternalIPs (so CVE-2020-8554 needs nothing more) and Kubernetes
  /// 1.36 has no in-tree gitRepo volumes (CVE-2025-1767); what is left is containerd 2.1's end of life.
  @Test func theSampleShowsItsRealExposure() throws {
    let check = try InventoryCheck.run(path: repositoryRoot() + "/inventories/hybrid.yaml", dataPath: "/nonexistent/advisories.json",
      today: "2026-12-02")
    #expect(check.advisories.map(\.ruleID) == ["end-of-life"], "\(check.advisories.map(\.message))")
    #expect(check.advisories.first?.message.hasPrefix("containerd 2.1.9: the 2.1 line reached end of life on 2026-07-03") == true)
    #expect(check.advice.isEmpty)
  }

  @Test func conditionsSettledPerPin() {
    #expect(SecurityFloor.clusterFacts["external-ips-allowed"] == false)
    let k = { (v: String) in SecurityFloor.conditions(for: SecurityFloor.Pin(components: Component.kubernetes, version: v, path: "p")) }
    #expect(k("1.33.0")["gitrepo-volumes"] == false)
    #expect(k("1.32.9")["gitrepo-volumes"] == nil, "the in-tree driver is on by default before 1.33")
    #expect(SecurityFloor.conditions(for: SecurityFloor.Pin(components: [.etcd], version: "3.5.30", path: "p"))["gitrepo-volumes"] == nil)
  }

  /// The same sample pinned back to etcd 3.5.1, which the shipped data knows as vulnerable: validate
  /// and plan refuse it (exit 4), naming the advisory, its fix and the line of `etcd: 3.5.1`.
  @Test func aVulnerableEtcdIsRefusedAtItsLine() throws {
    let text = try String(contentsOfFile: repositoryRoot() + "/inventories/hybrid.yaml", encoding: .utf8)
      .replacingOccurrences(of: "    etcd: 3.5.30\n", with: "    etcd: 3.5.1\n")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try text.write(toFile: dir + "/hybrid.yaml", atomically: true, encoding: .utf8)
    let check = try InventoryCheck.run(path: dir + "/hybrid.yaml", dataPath: "/nonexistent/advisories.json", today: "2026-12-02")
    let etcd = try #require(check.advisories.first { $0.message.contains("CVE-2021-28235") })
    #expect(etcd.message.hasPrefix("etcd 3.5.1: GHSA-gmph-wf7j-9gcm (CVE-2021-28235) [critical 9.8]"))
    #expect(etcd.message.hasSuffix("fixed in 3.5.8"))
    #expect(etcd.level == .error && etcd.suppressedBecause == nil)
    #expect(etcd.position.map { "\($0.line):\($0.column)" } == "14:11")
    do throws(OperationError) {
      _ = try check.inventory()
      Issue.record("the vulnerable copy was not refused")
    } catch {
      #expect(error.kind == .refused)
      #expect(error.message.contains("spec.security.vulnerabilities.waivers"))
    }
  }
}
