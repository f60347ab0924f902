import Advisories
import Etcd
import Inventory
import Kubernetes
import Orchestration
import Testing

/// The advice (Advisories' `upgradeAdvice`) against the rules the planner enforces: every advised
/// step must pass `VersionSkew.check` (Kubernetes) and `EtcdVersionPolicy.refusal` (etcd) from the
/// step before it, and the advice as `validate` and `plan` print it.
@Suite struct UpgradeAdviceSkewTests {
  func v(_ s: String) -> UpstreamVersion { UpstreamVersion(s)! }

  /// Kubernetes fixed only on 1.37, etcd only on 3.6: the advice must cross the lines one by one.
  func data() -> AdvisoryDatabase {
    AdvisoryDatabase(data: AdvisoryData(generated: "2026-01-01", advisories: [
      Advisory(id: "K", summary: "kubelet", severity: Severity(level: .critical), affected: [Affected(
        components: [.kubelet], ranges: [VersionRange(events: [
          .introduced(v("1.30.0")), .fixed(v("1.34.9")), .introduced(v("1.35.0")), .lastAffected(v("1.36.9")),
          .introduced(v("1.37.0")), .fixed(v("1.37.2")),
        ])])]),
      Advisory(id: "A", summary: "apiserver", severity: Severity(level: .high), affected: [Affected(
        components: [.kubeAPIServer], ranges: [VersionRange(events: [.introduced(v("1.34.0")), .fixed(v("1.35.4"))])])]),
      Advisory(id: "E", summary: "etcd", severity: Severity(level: .high), affected: [Affected(
        components: [.etcd], ranges: [VersionRange(events: [.introduced(v("3.4.0")), .fixed(v("3.4.40")),
                                                            .introduced(v("3.4.45")), .fixed(v("3.6.1"))])])]),
    ]))
  }

  @Test func everyKubernetesStepKeepsTheSkewPolicy() throws {
    let advice = try #require(data().upgradeAdvice(components: Component.kubernetes, from: v("1.34.2"), today: Day("2026-01-10")))
    #expect(advice.steps.map(\.description) == ["1.35.4", "1.36.x", "1.37.2"])
    var current = try #require(Version("1.34.2"))
    for step in advice.steps {
      let target = try #require(Version(step.version?.text ?? "\(step.line).0"))
      // The control plane first, kubelets still on the version before: nothing newer than the apiserver.
      let before = KubernetesClusterFacts(apiServerVersion: current, nodes: ["cp1": current, "w1": current])
      #expect(VersionSkew.check(before, target: target, upgrading: true) == [], "\(current) -> \(target)")
      let controlPlaneDone = KubernetesClusterFacts(apiServerVersion: target, nodes: ["cp1": target, "w1": current])
      #expect(VersionSkew.check(controlPlaneDone, target: target, upgrading: true) == [], "kubelets \(current) -> \(target)")
      current = target
    }
    // The straight jump the advice avoids is one the planner refuses.
    let jump = VersionSkew.check(KubernetesClusterFacts(apiServerVersion: Version("1.34.2"), nodes: [:]),
                                 target: try #require(Version("1.37.2")), upgrading: true)
    #expect(jump.map(\.rule) == ["one-minor-at-a-time"])
  }

  @Test func everyEtcdStepKeepsItsVersionPolicy() throws {
    let advice = try #require(data().upgradeAdvice(components: [.etcd], from: v("3.4.20")))
    #expect(advice.steps.map(\.description) == ["3.4.40"])
    let across = try #require(data().upgradeAdvice(components: [.etcd], from: v("3.5.2")))
    #expect(across.steps.map(\.description) == ["3.6.1"])
    let far = try #require(data().upgradeAdvice(components: [.etcd], from: v("3.4.50"), candidates: [v("3.5.30")]))
    #expect(far.steps.map(\.description) == ["3.5.30", "3.6.1"])
    var current = try #require(Version("3.4.50"))
    for step in far.steps {
      let text = try #require(step.version?.text)
      let target = try #require(Version(text))
      #expect(EtcdVersionPolicy.refusal(running: ["e1": current, "e2": current], target: target) == nil, "\(current) -> \(target)")
      current = target
    }
    #expect(EtcdVersionPolicy.refusal(running: ["e1": try #require(Version("3.4.50"))], target: try #require(Version("3.6.1"))) != nil)
  }

  @Test func validateAndPlanPrintTheAdviceForEachPin() throws {
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: lab}
      spec:
        versions: {etcd: 3.5.2}
        security:
          vulnerabilities:
            waivers:
              - {id: E, reason: "a waiver is not a fix", expires: 2099-01-01}
        hosts:
          - {name: e1, address: 10.0.0.1, roles: [etcd]}

      """
    let inv = try #require(InventoryLoader().load(bytes: Array(text.utf8), file: "inv.yaml").inventory)
    let advice = SecurityFloor.advice(inv, data: data(), today: try #require(Day("2026-01-10")))
    #expect(advice.map(\.text) == ["advice: spec.versions.etcd: etcd 3.5.2 -> 3.6.1 clears every finding at or above high"])
    #expect(SecurityFloor.advice(inv, data: AdvisoryDatabase(data: AdvisoryData(generated: "2026-01-01")), today: try #require(Day("2026-01-10"))).isEmpty)
  }
}
