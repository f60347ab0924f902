import Inventory
import Planning
import Support
import Testing

/// Planner behaviour on small inline inventories and playbooks.
@Suite struct PlannerTests {
  func inventory(workers: Int = 0, extra: String = "") throws -> Inventory {
    var hosts = """
          - {name: e1, address: 10.0.0.1, roles: [etcd], site: a}
          - {name: e2, address: 10.0.0.2, roles: [etcd], site: a}
          - {name: e3, address: 10.0.0.3, roles: [etcd], site: b}

      """
    for i in 0..<workers { hosts += "    - {name: w\(i), address: 10.0.1.\(i + 1), roles: [worker]}\n" }
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: t}
      spec:
        versions: {etcd: 3.5.1, kubernetes: 1.31.2}
        sites: [{name: a, kind: onprem}, {name: b, kind: aws}]
        hosts:

      """ + hosts + extra
    let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: "inv.yaml")
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.rendered))")
    return try #require(loaded.inventory)
  }

  func playbook(_ phases: String) -> Result<Playbook, DiagnosticsError> {
    let text = "apiVersion: bulwark.dev/v1alpha1\nkind: Playbook\nname: t\nphases:\n" + phases
    return PlaybookLoader().parse(Array(text.utf8), file: "pb.yaml")
  }

  func plan(_ inv: Inventory, _ phases: String) throws -> Result<Plan, DiagnosticsError> {
    let book = try playbook(phases).get()
    let test: [String: any StepKind] = ["test.member": MemberKind(), "test.gate": GateKind()]
    return Planner(kinds: StepKinds.generic.merging(test) { $1 }).plan(inv, playbook: book)
  }

  @Test func waitAllMakesEveryHostWaitForTheWholePreviousPhase() throws {
    let inv = try inventory()
    let phases = """
      - name: restore
        hosts: role:etcd
        steps: [{kind: directory, path: /restored}]
      - name: start
        hosts: role:etcd
        wait: WAIT
        steps: [{kind: directory, path: /started}]
      """
    let own = try plan(inv, phases.replacingOccurrences(of: "WAIT", with: "host")).get()
    #expect(own.step("start/e2/dir-started")?.dependsOn == ["restore/e2/dir-restored"])
    let all = try plan(inv, phases.replacingOccurrences(of: "WAIT", with: "all")).get()
    let barrier = try #require(all.step("start/e2/dir-started")?.dependsOn.first)
    #expect(all.step(barrier)?.dependsOn == ["restore/e1/dir-restored", "restore/e2/dir-restored", "restore/e3/dir-restored"])
    #expect(all.step("start/e1/dir-started")?.dependsOn == [barrier])
    guard case .failure(let e) = playbook(phases.replacingOccurrences(of: "WAIT", with: "everyone")) else {
      Issue.record("accepted wait: everyone"); return
    }
    #expect(e.diagnostics.first?.message == "wait is \"everyone\"; it must be all or host")
  }

  @Test func serialPercentMakesBatchesThatWaitForEachOther() throws {
    let inv = try inventory(workers: 10)
    let p = try plan(inv, """
      - name: w
        hosts: role:worker
        order: {serial: 30%}
        steps:
          - {kind: directory, path: /x}
      """).get()
    #expect(p.phases[0].batches.map(\.count) == [3, 3, 3, 1])
    // Batch 2 waits for batch 1 through one barrier node, so fan-in stays linear in plan size.
    let firstOfSecondBatch = try #require(p.step("w/w3/dir-x"))
    #expect(firstOfSecondBatch.dependsOn == ["w/batch-2-ready"])
    let barrier = try #require(p.step("w/batch-2-ready"))
    #expect(barrier.dependsOn == ["w/w0/dir-x", "w/w1/dir-x", "w/w2/dir-x"])
    #expect(barrier.operation == .barrier && barrier.action == .noop)
  }

  @Test func serialCountAndParallel() throws {
    let inv = try inventory(workers: 5)
    let p = try plan(inv, """
      - name: s
        hosts: role:worker
        order: {serial: 2}
        steps: [{kind: directory, path: /x}]
      - name: p
        hosts: all
        order: parallel
        steps: [{kind: directory, path: /y}]
      """).get()
    #expect(p.phases[0].batches.map(\.count) == [2, 2, 1])
    // A host continues from its own previous step; hosts not in the previous phase wait for all of it.
    #expect(try #require(p.step("p/w0/dir-y")).dependsOn == ["s/w0/dir-x"])
    #expect(try #require(p.step("p/e1/dir-y")).dependsOn == ["p/ready"])
    #expect(try #require(p.step("p/ready")).dependsOn == ["s/w0/dir-x", "s/w1/dir-x", "s/w2/dir-x", "s/w3/dir-x", "s/w4/dir-x"])
  }

  @Test func quorumSafeInterleavesSitesAndGatesEachMember() throws {
    let inv = try inventory()
    let p = try plan(inv, """
      - name: m
        hosts: role:etcd
        order: quorum-safe
        gate: {kind: test.gate}
        steps: [{kind: test.member}]
      """).get()
    #expect(p.phases[0].batches == [["e1"], ["e3"], ["e2"]])
    #expect(try #require(p.step("m/e3/member")).dependsOn == ["m/e1/health-gate"])
    #expect(try #require(p.step("m/e2/member")).dependsOn == ["m/e3/health-gate"])
  }

  @Test func userPhaseCanRunAfterANamedPhaseWithTemplates() throws {
    let inv = try inventory()
    let p = try plan(inv, """
      - name: etcd
        hosts: role:etcd
        steps: [{kind: directory, path: /var/lib/etcd}]
      - name: mine
        hosts: site:b
        after: [etcd]
        steps:
          - kind: file
            path: /etc/motd
            content: "{{ host.name }} in {{ cluster.name }} runs etcd {{ versions.etcd }}\\n"
      """).get()
    let step = try #require(p.step("mine/e3/file-etc-motd"))
    #expect(step.operation == .file(path: "/etc/motd", content: "e3 in t runs etcd 3.5.1\n", mode: 0o644, owner: "root", group: "root"))
    #expect(step.dependsOn == ["etcd/e3/dir-var-lib-etcd"])
  }

  @Test func playbookMistakesAreAllReportedWithPositions() throws {
    let inv = try inventory()
    guard case .failure(let e) = try plan(inv, """
      - name: a
        hosts: all
        after: [nope]
        steps:
          - {kind: directroy, path: /x}
          - {kind: file, path: /y, contnet: z}
          - {kind: file, path: /z, content: "{{ host.nmae }}"}
          - {kind: directory, path: /w, mode: "999"}
      """) else {
      Issue.record("expected planning errors")
      return
    }
    let codes = e.diagnostics.map(\.code)
    #expect(codes.contains("unknown-phase"))
    #expect(codes.contains("unknown-step-kind"))
    #expect(codes.contains("unknown-parameter"))
    #expect(codes.contains("missing-parameter"))
    #expect(codes.contains("unknown-variable"))
    #expect(codes.contains("invalid-value"))
    let kind = try #require(e.diagnostics.first { $0.code == "unknown-step-kind" })
    #expect(kind.location?.line == 9 && kind.hint == "did you mean \"directory\"?")
  }

  @Test func badPlaybookShapeIsReported() {
    guard case .failure(let e) = playbook("""
      - name: a
        hosts: rol:etcd
        order: sometimes
        steps: []
      """) else {
      Issue.record("expected errors")
      return
    }
    #expect(e.diagnostics.map(\.code) == ["invalid-value", "invalid-value"])
  }
}

/// Stand-ins for a domain's member and gate kinds: the planner's ordering rules are what is tested.
struct MemberKind: StepKind {
  let name = "test.member"
  let parameters: [ParameterSpec] = []
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    [StepDraft("member", "start the member on \(c.host.name)", action: .run, .command(argv: ["true"], unless: ["false"]))]
  }
}

struct GateKind: StepKind {
  let name = "test.gate"
  let parameters: [ParameterSpec] = []
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    [StepDraft("health-gate", "gate after \(c.host.name)", action: .check, .wait(argv: ["true"], timeoutSeconds: 1))]
  }
}

/// Counts its expansions, to see how often the planner calls it.
final class ExpansionCounter: @unchecked Sendable {
  var count = 0
}

struct CountedKind: StepKind {
  let name = "test.counted"
  let parameters: [ParameterSpec] = [.string("path", required: true)]
  let sameForEveryHost: Bool
  let counter: ExpansionCounter
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    counter.count += 1
    return [StepDraft("counted", "directory \(c.params.string("path"))", action: .create,
      .directory(path: c.params.string("path"), mode: 0o755, owner: "root", group: "root"))]
  }
}

@Suite struct SameForEveryHostTests {
  func plan(same: Bool, path: String, counter: ExpansionCounter) throws -> Plan {
    let inv = try PlannerTests().inventory(workers: 5)
    let book = try PlannerTests().playbook("""
      - name: one
        hosts: all
        steps: [{kind: test.counted, path: "\(path)"}]
      - name: two
        hosts: role:worker
        steps: [{kind: test.counted, path: "\(path)"}]
      """).get()
    let kinds = StepKinds.generic.merging(["test.counted": CountedKind(sameForEveryHost: same, counter: counter)]) { $1 }
    return try Planner(kinds: kinds).plan(inv, playbook: book).get()
  }

  @Test func anUntemplatedEntryIsExpandedOncePerPhase() throws {
    let shared = ExpansionCounter(), each = ExpansionCounter()
    let a = try plan(same: true, path: "/srv", counter: shared)
    let b = try plan(same: false, path: "/srv", counter: each)
    #expect(shared.count == 2, "once for each of the two phases")
    #expect(each.count == 8 + 5, "once per host of each phase")
    #expect(a.steps == b.steps)
    #expect(a.renderedText() == b.renderedText())
  }

  @Test func aTemplatedEntryIsExpandedPerHost() throws {
    let counter = ExpansionCounter()
    let p = try plan(same: true, path: "/srv/{{ host.name }}", counter: counter)
    #expect(counter.count == 8 + 5)
    #expect(p.step("two/w3/counted")?.summary == "directory /srv/w3")
  }

  @Test func theGenericKindsAreTheSameForEveryHost() {
    let same = StepKinds.generic.values.filter { $0.sameForEveryHost }.count
    #expect(same == StepKinds.generic.count)
  }
}
