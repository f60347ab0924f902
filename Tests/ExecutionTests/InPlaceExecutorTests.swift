import Execution
import Foundation
import Logging
import Planning
import Remote
import Steps
import TestSupport
import Testing

/// The executor trusting what this run's plan observed in place: which steps it still checks,
/// counted as the round trips the fake transport saw.
@Suite struct InPlaceExecutorTests {
  /// An executor that knows every host of the plan and trusts `inPlace`.
  func run(_ p: Plan, _ fake: FakeTransport, inPlace: Set<String>, toChange: [String: String] = [:], mode: Executor.Mode = .apply,
    onEvent: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }) async -> ExecutionReport {
    let endpoints = Dictionary(p.steps.map { ($0.host, HostEndpoint(id: $0.host, address: $0.host, port: 22, user: "test")) }) { a, _ in a }
    return await Executor(transport: fake, endpoints: endpoints, concurrency: 8, logger: Logger(label: "test"), inPlace: inPlace,
      toChange: toChange).run(p, mode: mode, onEvent: onEvent)
  }

  /// A command step whose check is `check-ID` and whose apply is `fix-ID`.
  func command(_ id: String, _ host: String, deps: [String] = []) -> PlannedStep {
    step(id, host, deps: deps, .command(argv: ["fix-\(id)"], unless: ["check-\(id)"]))
  }

  /// Hosts whose commands were run, as `host: run check-ID` lines, without the barrier's.
  func checks(_ fake: FakeTransport) -> [String] { fake.operations.filter { $0.contains(" run check-") } }

  /// What a second apply looks like: every step observed in place, across hosts, through a barrier.
  func secondApplyPlan() -> Plan {
    plan([
      step("a-dir", "a", .directory(path: "/etc/app", mode: 0o755, owner: "root", group: "root")),
      step("a-file", "a", deps: ["a-dir"], .file(path: "/etc/app/conf", content: "x", mode: 0o644, owner: "root", group: "root")),
      command("a-cmd", "a", deps: ["a-file"]),
      command("b-cmd", "b"),
      PlannedStep(id: "join", phase: "p", host: "", kind: "barrier", summary: "join", action: .noop, dependsOn: ["a-cmd", "b-cmd"],
        operation: .barrier),
      command("c-cmd", "c", deps: ["join"]),
    ])
  }

  @Test func aSecondApplyWhosePlanSawEverythingInPlaceRunsNoStepCommand() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "644")
    fake.setFile("a", "/etc/app/conf", Array("x".utf8))
    let p = secondApplyPlan()
    let events = EventLog()
    let report = await run(p, fake, inPlace: ["a-dir", "a-file", "a-cmd", "b-cmd", "c-cmd"], onEvent: events.add)
    #expect(fake.operations.isEmpty, "\(fake.operations)")
    #expect(report.succeeded && report.changedCount == 0 && report.satisfiedCount == 5)
    #expect(report.outcomes["c-cmd"] == .satisfied(Executor.inPlaceWhenPlanned))
    // Journal and progress see each step start and finish, in dependency order.
    let log = events.all
    #expect(log.filter { $0.hasPrefix("start ") }.count == 5 && log.filter { $0.hasPrefix("end ") }.count == 5)
    #expect(log.firstIndex { $0.hasPrefix("end a-cmd") }! < log.firstIndex { $0 == "start c-cmd" }!)

    // check-only (drift-shaped) runs follow the same rule.
    let drift = await run(p, fake, inPlace: ["a-dir", "a-file", "a-cmd", "b-cmd", "c-cmd"], mode: .checkOnly)
    #expect(fake.operations.isEmpty && drift.satisfiedCount == 5)
  }

  @Test func aChangeTaintsLaterStepsOnItsHostAndEveryDescendantElsewhere() async {
    let fake = FakeTransport()
    let fixed = FakeFlag()
    fake.respond { _, c in
      if c.line == "check-a1" { return CommandResult(exitStatus: fixed.isSet ? 0 : 1) }
      if c.argv == ["fix-a1"] { fixed.set() }
      return nil
    }
    let p = plan([
      command("a1", "a"),                    // observed to change: checked, applied, checked
      command("a2", "a"),                    // in place, but after a change on its host: checked
      command("b1", "b", deps: ["a1"]),       // in place, below the change on another host: checked
      command("b2", "b", deps: ["b1"]),       // in place, below it through b1 (which changed nothing): checked
      command("b3", "b"),                    // in place, nothing changed on b, nothing above: trusted
      PlannedStep(id: "join", phase: "p", host: "", kind: "barrier", summary: "join", action: .noop, dependsOn: ["a1"],
        operation: .barrier),
      command("c1", "c", deps: ["join"]),     // below the change through a barrier: checked
      command("c2", "c", deps: ["a2"]),       // below a2, which was checked and changed nothing: trusted
    ])
    let report = await run(p, fake, inPlace: ["a2", "b1", "b2", "b3", "c1", "c2"])
    #expect(report.succeeded, "\(report.outcomes)")
    #expect(report.outcomes["a1"] == .changed("`check-a1` exited 1"))
    #expect(Set(checks(fake)) == ["a: run check-a1", "a: run check-a2", "b: run check-b1", "b: run check-b2", "c: run check-c1"],
      "\(fake.operations)")
    #expect(checks(fake).count == 6, "a1 is checked twice (before and after its apply), every other checked step once")
    #expect(report.outcomes["b3"] == .satisfied(Executor.inPlaceWhenPlanned))
    #expect(report.outcomes["c2"] == .satisfied(Executor.inPlaceWhenPlanned))
    #expect(report.outcomes["a2"] == .satisfied("`check-a2` succeeded"))
  }

  @Test func aFailureOnAHostTaintsItsLaterSteps() async {
    let fake = FakeTransport()
    fake.respond { _, c in c.line == "check-a1" ? CommandResult(exitStatus: 1) : (c.argv == ["fix-a1"] ? CommandResult(exitStatus: 2) : nil) }
    let report = await run(plan([command("a1", "a"), command("a2", "a")]), fake, inPlace: ["a2"])
    #expect(report.failures.map(\.step) == ["a1"])
    #expect(checks(fake) == ["a: run check-a1", "a: run check-a2"], "a failed apply may have half changed the host")
  }

  @Test func onlyStepsTheRunObservedInPlaceAreTrusted() async {
    let fake = FakeTransport()
    // A plan as read from a saved file: its steps carry their old observations, all in place. The
    // executor reads none of them; only `inPlace`, which the caller fills from this run's own.
    var saved = plan([command("s1", "a"), command("s2", "b")])
    saved.observe(["s1": (Observation(.unchanged), nil), "s2": (Observation(.unchanged), nil)])
    _ = await run(saved, fake, inPlace: [])
    #expect(checks(fake).sorted() == ["a: run check-s1", "b: run check-s2"])
  }

  @Test func gatesWaitsAndFetchesAreCheckedEvenWhenObservedInPlace() async {
    let fake = FakeTransport()
    let p = plan([
      PlannedStep(id: "gate", phase: "p", host: "a", kind: "k", summary: "gate", action: .check, dependsOn: [],
        operation: .command(argv: ["true"], unless: ["check-gate"])),
      step("wait", "b", .wait(argv: ["check-wait"], timeoutSeconds: 1)),
      step("fetch", "c", .fetch(argv: ["make"], remotePath: "/tmp/snap", localPath: "/nonexistent/bulwark-test/snap")),
    ])
    let report = await run(p, fake, inPlace: ["gate", "wait", "fetch"], mode: .checkOnly)
    #expect(Set(fake.operations) == ["a: run check-gate", "b: run check-wait"], "\(fake.operations)")
    #expect(report.outcomes["fetch"] == .needsChange(Change(.run, "/nonexistent/bulwark-test/snap is not taken yet")))
    #expect(!report.outcomes.values.contains(.satisfied(Executor.inPlaceWhenPlanned)))
  }
}

/// The executor applying what this run's plan observed needing change: a step whose apply writes a
/// whole desired state goes straight to its apply and the check after it; every other kind is
/// checked first, and check-only runs ignore the observation.
@Suite struct ObservedChangeExecutorTests {
  let suite = InPlaceExecutorTests()

  func fileStep(_ id: String, _ host: String, path: String) -> PlannedStep {
    step(id, host, .file(path: path, content: "x", mode: 0o644, owner: "root", group: "root"))
  }

  @Test func aFileSeenNeedingChangeIsWrittenThenCheckedOnce() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "644")
    let p = plan([fileStep("f", "a", path: "/etc/app/conf")])
    let report = await suite.run(p, fake, inPlace: [], toChange: ["f": "/etc/app/conf is absent"])
    #expect(fake.operations == ["a: write /etc/app/conf",
      "a: run stat -c '%a %U %G %s %F' -- /etc/app/conf || exit 3; exec cat -- /etc/app/conf"], "\(fake.operations)")
    #expect(report.outcomes["f"] == .changed("/etc/app/conf is absent"))
  }

  @Test func aPathAnEarlierStepWroteInThisRunIsCheckedFirst() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "644")
    // Two steps of the plan make the same file; both were absent when planned.
    let p = plan([fileStep("first", "a", path: "/etc/app/conf"), step("again", "a", deps: ["first"],
      .file(path: "/etc/app/conf", content: "x", mode: 0o644, owner: "root", group: "root"))])
    let report = await suite.run(p, fake, inPlace: [], toChange: ["first": "absent", "again": "absent"])
    #expect(report.outcomes["first"] == .changed("absent"))
    #expect(report.outcomes["again"] == .satisfied("/etc/app/conf is up to date"), "checked, found done, not written again")
    #expect(fake.operations.filter { $0.contains("write") }.count == 1, "\(fake.operations)")
  }

  @Test func anApplyThatDoesNotConvergeStillFails() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "600")  // the host keeps the mode wrong whatever is written
    let report = await suite.run(plan([fileStep("f", "a", path: "/etc/app/conf")]), fake, inPlace: [], toChange: ["f": "absent"])
    guard case .failed(let cause) = report.outcomes["f"] else { Issue.record("\(report.outcomes)"); return }
    #expect(cause.code == "did-not-converge")
  }

  @Test func commandsAreCheckedFirstAndCheckOnlyRunsIgnoreTheObservation() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "644")
    fake.respond { _, c in c.line == "check-c" ? CommandResult(exitStatus: 0) : nil }
    let p = plan([suite.command("c", "a"), fileStep("f", "b", path: "/etc/app/conf")])
    let report = await suite.run(p, fake, inPlace: [], toChange: ["c": "not yet", "f": "absent"])
    // The command's check found it done meanwhile: nothing ran; the file was written unchecked.
    #expect(report.outcomes["c"] == .satisfied("`check-c` succeeded"))
    #expect(!fake.operations.contains("a: run fix-c"))
    #expect(fake.operations.first { $0.hasPrefix("b:") } == "b: write /etc/app/conf")

    let drift = FakeTransport()
    drift.emulateFileProbe(mode: "644")
    let checked = await suite.run(p, drift, inPlace: [], toChange: ["f": "absent"], mode: .checkOnly)
    #expect(!drift.operations.contains { $0.contains("write") }, "\(drift.operations)")
    #expect(checked.outcomes["f"] == .needsChange(Change(.create, "/etc/app/conf is absent")))
  }
}

/// A flag set from a responder, read from another.
final class FakeFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  func set() { lock.withLock { value = true } }
  var isSet: Bool { lock.withLock { value } }
}
