import Etcd
import Execution
import Foundation
import Inventory
import Journal
import Logging
import Planning
import Remote
import Support

/// What a run tells whoever drives it. The library never prints: the CLI renders these as live
/// progress or plain lines; another front end (a web view) can render them its own way.
public protocol ClusterRunDelegate: Sendable {
  func notice(_ notice: Notice)
  /// The plan about to be applied; false stops the run before anything changes.
  func review(_ plan: Plan) async -> Bool
  func runStarting(steps: Int)
  func event(_ event: ExecutionEvent)
  func runEnded()
}

/// Facts, plan, review, execution and the journal: what apply, upgrade and the etcd commands share.
/// Holds the cluster lock for the whole run; the journal records each step's start before it
/// touches its host, so a run killed halfway is reported and continued by the next one.
public struct ClusterRun: Sendable {
  public enum VersionRule: Sendable {
    /// Members must already run the inventory's etcd version (`apply`): a version change is `upgrade`'s.
    case sameVersion
    /// Members may move one minor version up (`upgrade`).
    case upgrade
    /// Versions are not checked (restore, snapshot).
    case any
  }

  public var access: ClusterAccess
  public var playbook: Playbook
  public var versionRule: VersionRule
  public var restoreFrom: LocalArtifact?
  /// A plan made earlier (`plan --out`): applied only while the hosts still show what it was made from.
  public var saved: Plan?
  /// Every command and file write, as it happens (`-v`).
  public var echo: (@Sendable (HostID, String) -> Void)?
  /// The command line, recorded in the lock for whoever finds it held.
  public var holder: String

  public init(
    access: ClusterAccess, playbook: Playbook, versionRule: VersionRule, restoreFrom: LocalArtifact? = nil, saved: Plan? = nil,
    echo: (@Sendable (HostID, String) -> Void)? = nil, holder: String = CommandLine.arguments.joined(separator: " ")
  ) {
    self.access = access
    self.playbook = playbook
    self.versionRule = versionRule
    self.restoreFrom = restoreFrom
    self.saved = saved
    self.echo = echo
    self.holder = holder
  }

  /// What a finished run did.
  public struct Result: Sendable {
    public var plan: Plan
    public var report: ExecutionReport
    /// Snapshots the run fetched to this machine.
    public var snapshots: [String]
    public var versionRule: VersionRule

    /// The error a failed run ends with: every root cause, and how to continue.
    public var failure: OperationError? {
      guard !report.succeeded else { return nil }
      var lines = report.failures.map { "\($0.step): \($0.cause.message) [\($0.cause.code)]" }
      lines.append(versionRule == .upgrade
        ? "The upgrade stopped there. Members already upgraded stay upgraded and the others keep their version; fix the cause and run `bulwark upgrade` again to continue."
        : "Fix the cause and run the same command again: finished steps are checked and left alone, the rest continue.")
      return OperationError(.failed, .runFailed, lines.joined(separator: "\n"))
    }
  }

  public func execute(delegate: any ClusterRunDelegate) async throws(OperationError) -> Result {
    let (inv, direct) = try access.connectVouched()
    do {
      return try await direct.sharingSessions { fleet in try await execute(inv, fleet: fleet, delegate: delegate) }
    } catch let e as OperationError {
      throw e
    } catch {
      throw OperationError(.failed, .runFailed, "\(error)")
    }
  }

  func execute(_ inv: Inventory, fleet: Fleet, delegate: any ClusterRunDelegate) async throws(OperationError) -> Result {
    let state = access.stateDirectory(cluster: inv.name)
    let notices: NoticeSink = { delegate.notice($0) }
    let lock: ClusterLock
    do { lock = try ClusterLock(path: state.lock, command: holder) } catch {
      throw OperationError(.failed, .stateDirectory, "\(error)")
    }
    defer { lock.release() }
    if let stale = lock.staleHolder {
      notices(Notice(.note, "note: a stale lock from pid \(stale.pid) on \(stale.machine) (since \(stale.since)) was left by a run that did not end cleanly; taken over"))
    }
    let journal: RunJournal
    do { journal = try RunJournal(path: state.journal) } catch {
      throw OperationError(.failed, .stateDirectory, "\(error)")
    }
    do {
      if let text = try RunResumption.report(journal) { notices(Notice(.note, text)) }
    } catch { throw OperationError(.failed, .stateDirectory, "\(error)") }

    let plan: Plan
    // What this process saw: the executor records the steps in place satisfied without checking
    // each again, and applies some of those needing change without checking them first (its doc
    // comment has the rules). A saved plan's own observations are never used.
    let observed: RunObservations
    if let saved {
      (plan, observed) = try await SavedPlanFreshness.check(saved, inv: inv, fleet: fleet, playbook: playbook)
    } else {
      plan = try await LivePlan.make(inv, inventoryPath: access.inventoryPath, state: state, playbook: playbook, fleet: fleet,
        writePKI: true, restoreFrom: restoreFrom, notices: notices) { (facts) throws(OperationError) in
        try checkVersions(facts, inv)
      }
      observed = RunObservations(livePlan: plan)
    }
    guard await delegate.review(plan) else { throw OperationError(.failed, .notApplied, "") }
    let transport: any Transport = echo.map { EchoingTransport(base: fleet.transport, say: $0) } ?? fleet.transport
    let seen = await observed.current(for: plan, fleet: fleet)
    let executor = Executor(
      transport: transport, endpoints: fleet.endpoints, concurrency: fleet.concurrency, logger: Logger(label: "bulwark.apply"),
      inPlace: seen.ids, toChange: seen.toChange)
    let runID: Int64
    do { runID = try journal.beginRun(playbook: plan.playbook, plan: plan.factsFingerprint ?? "-") } catch {
      throw OperationError(.failed, .stateDirectory, "\(error)")
    }
    delegate.runStarting(steps: plan.steps.filter { $0.operation != .barrier }.count)
    let report = await executor.run(plan, mode: .apply) { event in
      // The start is on disk before the step touches its host.
      switch event {
      case .started(let step, let host): try? journal.stepStarted(runID, step: step, host: host)
      case .finished(let step, let host, let outcome):
        try? journal.stepFinished(runID, step: step, host: host, outcome: outcome.word, detail: outcome.detail, code: outcome.code)
      }
      delegate.event(event)
    }
    delegate.runEnded()
    try? journal.endRun(runID, result: Task.isCancelled ? "interrupted" : (report.succeeded ? "succeeded" : "failed"))
    let snapshots = plan.steps.compactMap { step -> String? in
      if case .fetch(_, _, let local) = step.operation, FileManager.default.fileExists(atPath: local) { return local }
      return nil
    }
    return Result(plan: plan, report: report, snapshots: snapshots, versionRule: versionRule)
  }

  func checkVersions(_ facts: EtcdClusterFacts, _ inv: Inventory) throws(OperationError) {
    let target = inv.versions.etcd
    let running = facts.hosts.compactMapValues(\.runningVersion)
    switch versionRule {
    case .any: return
    case .sameVersion:
      let other = running.filter { $0.value != target }.sorted { $0.key < $1.key }
      guard other.isEmpty else {
        let list = other.map { "\($0.key) runs \($0.value)" }.joined(separator: ", ")
        throw OperationError(.invalidInput, .versionChange,
          "the inventory asks for etcd \(target), but \(list). A version change is a rolling upgrade: run `bulwark upgrade -i \(access.inventoryPath)`.")
      }
    case .upgrade:
      if let refusal = EtcdVersionPolicy.refusal(running: running, target: target) {
        throw OperationError(.invalidInput, .versionChange, refusal)
      }
    }
  }
}

extension StepOutcome {
  /// The journal's word for an outcome.
  public var word: String {
    switch self {
    case .satisfied: "ok"
    case .changed: "changed"
    case .needsChange: "pending"
    case .failed: "failed"
    case .skipped: "skipped"
    }
  }

  public var detail: String? {
    switch self {
    case .satisfied(let d), .changed(let d): d
    case .failed(let cause): cause.message
    case .needsChange(let c): c.detail
    case .skipped(let root): "because \(root) failed"
    }
  }

  /// A failure's error code, for the journal; nil for every other outcome.
  public var code: String? {
    if case .failed(let cause) = self { cause.code } else { nil }
  }
}

/// The last run, when it did not finish: what was in flight, what failed. Every step is checked
/// again before anything is applied, so nothing is repeated that its check does not call for.
enum RunResumption {
  static func report(_ journal: RunJournal) throws -> String? {
    guard let last = try journal.lastRun(), last.result != "succeeded" else { return nil }
    let steps = try journal.steps(of: last.id)
    let inFlight = steps.filter { $0.outcome == nil }
    let failed = steps.filter { $0.outcome == "failed" }
    let finished = steps.filter { $0.outcome != nil }.count
    let when = ISO8601DateFormatter().string(from: last.startedAt)
    var lines: [String]
    if last.endedAt == nil {
      lines = ["Resuming: run #\(last.id) (\(last.playbook), started \(when)) did not finish; the controller stopped (killed, or its machine went down) after \(finished) steps."]
      try journal.endRun(last.id, result: "abandoned")
    } else if !failed.isEmpty || last.result == "interrupted" {
      lines = ["Resuming: run #\(last.id) (\(last.playbook), started \(when)) ended \(last.result ?? "early") after \(finished) steps."]
    } else {
      return nil
    }
    lines += inFlight.map { "  in flight then: \($0.step) on \($0.host)" }
    lines += failed.map { "  failed then: \($0.step) on \($0.host): \($0.detail ?? "")\($0.code.map { " [\($0)]" } ?? "")" }
    lines.append("Each of these, and every other step, is checked again before anything is applied; nothing runs again unless its check says it must.\n")
    return lines.joined(separator: "\n")
  }
}

/// A saved plan is applied only while the hosts still show what it was made from.
enum SavedPlanFreshness {
  /// The saved plan, once the hosts still match it, and what the re-observation found in place.
  static func check(_ saved: Plan, inv: Inventory, fleet: Fleet, playbook: Playbook) async throws(OperationError)
    -> (Plan, RunObservations)
  {
    guard saved.cluster == inv.name, let expected = saved.factsFingerprint, saved.isObserved else {
      throw OperationError(.invalidInput, .invalidPlan,
        "this saved plan was not made from live facts for cluster \(inv.name); make one with `bulwark plan -i FILE --out PLAN.json`")
    }
    let facts = await LivePlan.facts(inv, playbook: playbook, fleet: fleet)
    var now = saved
    let fresh = await PlanObserver.observe(saved, fleet: fleet)
    let observedAt = ContinuousClock.now
    now.observe(fresh)
    let digest = now.observationDigest(facts: facts.fingerprint)
    guard digest == expected else {
      var changed: [String] = []
      for (old, new) in zip(saved.steps, now.steps) where old.observed != new.observed {
        func say(_ o: Observation?) -> String {
          guard let o else { return "-" }
          return o.state == .unchanged ? "as desired" : (o.detail ?? o.state.rawValue)
        }
        changed.append("  \(new.id): when planned: \(say(old.observed)); now: \(say(new.observed))")
      }
      var lines = ["the hosts changed since this plan was made (facts \(expected.prefix(12)) then, \(digest.prefix(12)) now); refusing to apply it."]
      if changed.isEmpty {
        lines.append("  the cluster's facts (etcd members or versions, Kubernetes nodes) differ")
      } else {
        lines.append(changed.prefix(20).joined(separator: "\n") + (changed.count > 20 ? "\n  … and \(changed.count - 20) more" : ""))
      }
      lines.append("Make a new plan: bulwark plan -i \(saved.inventory ?? "FILE") --out PLAN.json")
      throw OperationError(.invalidInput, .stalePlan, lines.joined(separator: "\n"))
    }
    return (saved, RunObservations(fresh, at: observedAt))
  }
}
