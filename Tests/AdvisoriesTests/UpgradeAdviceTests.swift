import Testing
@testable import Advisories

/// Made-up advisories shaped like real ones: a fix per line, a line with no fix (last_affected), a
/// Windows-only one, lower severities, and an end-of-life line.
func upgradeSample() -> AdvisoryDatabase {
  func advisory(_ id: String, _ level: Severity.Level, _ components: [Component], _ events: [RangeEvent],
                conditions: [String] = []) -> Advisory {
    Advisory(id: id, summary: id, severity: Severity(level: level),
             affected: [Affected(components: components, ranges: [VersionRange(events: events)], conditions: conditions)])
  }
  return AdvisoryDatabase(data: AdvisoryData(
    generated: "2026-01-01", conditions: [Condition(id: "windows-nodes", description: "the cluster has Windows nodes")],
    advisories: [
      advisory("E-crit", .critical, [.etcd], [.introduced(v("3.4.10")), .fixed(v("3.4.25")), .introduced(v("3.5.0")), .fixed(v("3.5.8"))]),
      advisory("E-high", .high, [.etcd], [.introduced(v("3.5.0")), .fixed(v("3.5.13"))]),
      advisory("E-med", .medium, [.etcd], [.introduced(v("3.5.0")), .fixed(v("3.5.20")), .introduced(v("3.6.0")), .fixed(v("3.6.2"))]),
      advisory("K-api", .high, [.kubeAPIServer], [
        .introduced(.origin), .fixed(v("1.30.5")), .introduced(v("1.31.0")), .fixed(v("1.31.3")),
        .introduced(v("1.32.0")), .fixed(v("1.32.1")),
      ]),
      advisory("K-node", .critical, [.kubelet], [.introduced(v("1.30.0")), .lastAffected(v("1.31.9"))]),
      advisory("K-win", .high, [.kubelet], [.introduced(v("1.32.0")), .fixed(v("1.32.4"))], conditions: ["windows-nodes"]),
      advisory("C-one", .high, [.containerd], [.introduced(.origin), .fixed(v("1.6.18")), .introduced(v("1.7.0")), .fixed(v("1.7.2"))]),
      advisory("C-old", .critical, [.containerd], [.introduced(v("1.6.0")), .lastAffected(v("1.6.40"))]),
    ],
    endOfLife: [
      EndOfLife(components: [.etcd], line: "3.4", date: nil, reference: "policy"),
      EndOfLife(components: Component.kubernetes, line: "1.32", date: "2026-03-01", reference: "kubernetes.io/releases"),
    ]))
}

@Suite struct UpgradeAdviceTests {
  let db = upgradeSample()
  let today = Day("2026-01-10")

  /// (component set, from, refuseAt, conditions, candidates, today, the advice as text; nil: nothing refuses).
  @Test(arguments: [
    // etcd: the lowest 3.5.x clearing every refusing finding, not the first fix.
    ("etcd", "3.5.1", Severity.Level.high, "", "", "2026-01-10", "3.5.1 -> 3.5.13"),
    ("etcd", "3.5.9", .high, "", "", "2026-01-10", "3.5.9 -> 3.5.13"),
    // A lower refusing level needs a later fix; a medium finding alone refuses nothing at high.
    ("etcd", "3.5.1", .medium, "", "", "2026-01-10", "3.5.1 -> 3.5.20"),
    ("etcd", "3.5.13", .high, "", "", "2026-01-10", nil),
    ("etcd", "3.5.13", .medium, "", "", "2026-01-10", "3.5.13 -> 3.5.20"),
    // On an end-of-life line, the fix on that line (its end of life warns on its own).
    ("etcd", "3.4.20", .high, "", "", "2026-01-10", "3.4.20 -> 3.4.25"),
    // Pre-releases are never advised.
    ("etcd", "3.5.1", .high, "", "3.5.10-rc.0,3.5.11", "2026-01-10", "3.5.1 -> 3.5.13"),
    ("etcd", "3.5.1", .high, "", "3.5.14-rc.0", "2026-01-10", "3.5.1 -> 3.5.13"),
    // Kubernetes: 1.30 and 1.31 have no kubelet fix, so 1.32 is the target, one minor per upgrade,
    // passing through 1.31's best known version.
    ("kubernetes", "1.30.2", .high, "windows-nodes=false", "", "2026-01-10",
     "1.30.2 -> 1.31.3 -> 1.32.1 (one minor per upgrade; in each upgrade the control plane first, then the kubelets; passing through 1.31.3 (K-node))"),
    // A 1.31 release that clears everything makes it one upgrade.
    ("kubernetes", "1.30.2", .high, "windows-nodes=false", "1.31.10", "2026-01-10",
     "1.30.2 -> 1.31.10 (in each upgrade the control plane first, then the kubelets)"),
    // A line the data names no version on is still a step: the line alone.
    ("kubernetes", "1.28.4", .high, "windows-nodes=false", "", "2026-01-10",
     "1.28.4 -> 1.29.x -> 1.30.5 -> 1.31.3 -> 1.32.1 (one minor per upgrade; in each upgrade the control plane first, then the kubelets; passing through 1.30.5 (K-node), 1.31.3 (K-node))"),
    // A condition that holds makes its advisory refuse; an unknown one only warns.
    ("kubernetes", "1.32.0", .high, "windows-nodes=true", "", "2026-01-10",
     "1.32.0 -> 1.32.4 (in each upgrade the control plane first, then the kubelets)"),
    ("kubernetes", "1.32.0", .high, "", "", "2026-01-10",
     "1.32.0 -> 1.32.1 (in each upgrade the control plane first, then the kubelets)"),
    // The only clearing line is at end of life by then: no advice.
    ("kubernetes", "1.31.4", .high, "windows-nodes=false", "", "2026-06-01",
     "1.31.4: no version in the advisory data clears K-node within the upgrade rules"),
    // containerd may cross minors in one upgrade: the same line first, else straight to the next.
    ("containerd", "1.6.10", .high, "", "", "2026-01-10", "1.6.10 -> 1.7.2"),
    ("containerd", "1.6.10", .high, "", "1.6.41", "2026-01-10", "1.6.10 -> 1.6.41"),
    ("containerd", "1.7.2", .high, "", "", "2026-01-10", nil),
  ] as [(String, String, Severity.Level, String, String, String, String?)])
  func advice(_ comps: String, _ from: String, _ level: Severity.Level, _ conds: String, _ cands: String, _ today: String,
              _ want: String?) throws {
    var facts: ConditionFacts = [:]
    for c in conds.split(separator: ",") {
      let kv = c.split(separator: "=")
      facts[String(kv[0])] = kv[1] == "true"
    }
    let got = db.upgradeAdvice(
      components: try #require(Component.named(comps)), from: v(from), refuseAt: level, conditions: facts,
      candidates: cands.split(separator: ",").map { v(String($0)) }, today: Day(today))
    #expect(got?.text == want, "\(comps) \(from)")
  }

  @Test func theTargetIsTheLastStepAndItClears() throws {
    let a = try #require(db.upgradeAdvice(components: Component.kubernetes, from: v("1.30.2"), conditions: ["windows-nodes": false], today: today))
    #expect(a.refusing == ["K-api", "K-node"])
    #expect(a.steps.map(\.line) == ["1.31", "1.32"])
    #expect(a.target == v("1.32.1"))
    #expect(a.steps.last?.refusing == [])
    #expect(db.refusing(Component.kubernetes, at: v("1.32.1"), refuseAt: .high, conditions: ["windows-nodes": false]).isEmpty)
  }

  @Test func versionsBulwarkDoesNotSupportAreNeverAdvised() {
    let a = db.upgradeAdvice(components: Component.kubernetes, from: v("1.30.2"), conditions: ["windows-nodes": false],
                             today: today, supported: { $0.minor < 32 })
    #expect(a?.steps == [])
    #expect(a?.target == nil)
  }

  @Test func oneComponentOfKubernetesKeepsTheSkewRules() {
    // kubelet alone (as `advisories list --component kubelet` asks): still one minor per upgrade.
    let a = db.upgradeAdvice(components: [.kubelet], from: v("1.30.2"), conditions: ["windows-nodes": false], today: today)
    #expect(a?.rules == UpgradeRules(oneMinorPerUpgrade: true, controlPlaneFirst: true))
    #expect(a?.steps.map(\.description) == ["1.31.x", "1.32.4"])
  }
}
