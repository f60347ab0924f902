import Foundation
import Journal
import Planning
import Testing

@testable import Execution
@testable import Orchestration

/// A failed run's error and the resumption note keep each root cause's code.
@Suite struct ClusterRunResultTests {
  @Test func theRunsFailureNamesEachRootCauseWithItsCode() throws {
    let cause = FailureCause(code: "command-failed", message: "`kubeadm init` exited 1: preflight")
    let report = ExecutionReport(
      outcomes: ["p/cp1/init": .failed(cause), "p/cp1/join": .skipped(rootCause: "p/cp1/init")], order: ["p/cp1/init", "p/cp1/join"])
    let plan = Plan(cluster: "t", playbook: "bootstrap", factsFingerprint: nil, phases: [], steps: [])
    let result = ClusterRun.Result(plan: plan, report: report, snapshots: [], versionRule: .sameVersion)
    let failure = try #require(result.failure)
    #expect(failure.code == .runFailed)
    #expect(failure.message.hasPrefix("p/cp1/init: `kubeadm init` exited 1: preflight [command-failed]\n"))
  }

  @Test func theResumptionNoteShowsAFailedStepsCode() throws {
    let dir = NSTemporaryDirectory() + "bulwark-resume-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let journal = try RunJournal(path: dir + "/journal.db")
    let run = try journal.beginRun(playbook: "bootstrap", plan: "abc")
    let outcome = StepOutcome.failed(FailureCause(code: "connection-refused", message: "connection refused by 10.0.0.1:22"))
    try journal.stepFinished(run, step: "p/h1/a", host: "h1", outcome: outcome.word, detail: outcome.detail, code: outcome.code)
    try journal.endRun(run, result: "failed")
    let text = try #require(try RunResumption.report(journal))
    #expect(text.contains("failed then: p/h1/a on h1: connection refused by 10.0.0.1:22 [connection-refused]"), "\(text)")
  }
}
