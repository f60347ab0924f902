import Logging
import Planning
import Steps
import Remote
import Support

/// What happened to one step.
public enum StepOutcome: Sendable, Equatable {
  /// The check passed; nothing was done.
  case satisfied(String)
  /// apply ran and the re-check passed.
  case changed(String)
  /// check-only runs: the step would change something.
  case needsChange(Change)
  /// The step failed: its error's code and message.
  case failed(FailureCause)
  /// A step it depends on failed (or its host is unreachable); `rootCause` names that step.
  case skipped(rootCause: String)

  public var isFailure: Bool { if case .failed = self { true } else { false } }
}

public enum ExecutionEvent: Sendable {
  case started(step: String, host: HostID)
  case finished(step: String, host: HostID, outcome: StepOutcome)
}

/// Outcomes of the steps that touch hosts. Barrier join points are not steps to report.
public struct ExecutionReport: Sendable {
  public var outcomes: [String: StepOutcome]
  /// Step ids in the order they finished.
  public var order: [String]

  /// The steps that failed, in the order they finished, each with its cause.
  public var failures: [(step: String, cause: FailureCause)] {
    order.compactMap { id in if case .failed(let cause) = outcomes[id] { (id, cause) } else { nil } }
  }
  public var changedCount: Int { outcomes.values.filter { if case .changed = $0 { true } else { false } }.count }
  public var satisfiedCount: Int { outcomes.values.filter { if case .satisfied = $0 { true } else { false } }.count }
  public var skippedCount: Int { outcomes.values.filter { if case .skipped = $0 { true } else { false } }.count }
  public var needsChangeCount: Int { outcomes.values.filter { if case .needsChange = $0 { true } else { false } }.count }
  public var succeeded: Bool { failures.isEmpty && skippedCount == 0 }
}

/// Walks a plan's DAG over the Remote seam.
/// - A step starts once every step it depends on has finished without failing.
/// - At most `concurrency` hosts are busy at once; each host runs one step at a time on one connection.
/// - apply: check → apply → re-check; a step still unsatisfied after apply "did not converge".
/// - A failure skips its descendants; they are reported as skipped with the failure as root cause.
/// - A host missing from `endpoints` fails its first step with `unknown-host`; its other steps are
///   skipped, as for a host that cannot be reached. Nothing is guessed about how to reach it.
/// - A step in `inPlace` (observed already as desired by this process moments before the run) is
///   recorded satisfied, "in place when planned", without a check of its own, when trusting it is
///   sound: not a gate, wait, fetch or barrier (`mayTrust`); no step it depends on, transitively and
///   across hosts and barriers, changed in this run; and nothing changed (or failed) on its host
///   earlier in this run. Every other step is checked as above; in both modes the rule is the same.
///   Only the caller knows where an observation came from, so only it fills `inPlace`: never with a
///   saved plan's own observations, which are old.
/// - A step in `toChange` (observed needing change by this process moments before the run, with
///   what was seen) is applied at once and then checked, without a check before, when its apply
///   states a whole desired state and so may run on a host that already has it (`mayApplyUnchecked`:
///   a file, directory, upload, kernel parameters, a systemd unit). Its outcome is `changed` with
///   what the observation saw. Commands, guarded configurations, users, gates and waits are always
///   checked first: running their apply again is not known to be harmless; so is a step whose path
///   an earlier step on its host wrote in this run. Only apply runs use it.
public struct Executor: Sendable {
  public enum Mode: Sendable { case apply, checkOnly }

  /// The outcome's words for a step trusted to be in place.
  public static let inPlaceWhenPlanned = "in place when planned"

  public var transport: any Transport
  public var endpoints: [HostID: HostEndpoint]
  public var concurrency: Int
  public var logger: Logger
  public var makeStep: @Sendable (PlannedStep) -> any Step
  /// Ids of the steps observed already in place, in this run; empty: every step is checked.
  public var inPlace: Set<String>
  /// Ids of the steps observed needing change, in this run, each with what was seen.
  public var toChange: [String: String]

  public init(
    transport: any Transport, endpoints: [HostID: HostEndpoint], concurrency: Int, logger: Logger,
    inPlace: Set<String> = [], toChange: [String: String] = [:],
    makeStep: @escaping @Sendable (PlannedStep) -> any Step = StepFactory.make
  ) {
    self.transport = transport
    self.endpoints = endpoints
    self.concurrency = max(1, concurrency)
    self.logger = logger
    self.inPlace = inPlace
    self.toChange = toChange
    self.makeStep = makeStep
  }

  /// Whether a step observed needing change may be applied without a check before: only a step
  /// whose apply writes a whole desired state (the content, mode and owner of a file or directory,
  /// an artifact checked by digest, a set of kernel parameters, a unit with its enabled and running
  /// state), which leaves a host that already has it as it was. The check after the apply stays.
  public static func mayApplyUnchecked(_ step: PlannedStep) -> Bool {
    guard step.action != .check else { return false }
    switch step.operation {
    case .file, .directory, .upload, .sysctl, .systemdUnit: return true
    default: return false
    }
  }

  /// Whether a step's observation may stand for its check: only a step whose check is the probe
  /// that was observed. A gate or wait is a checkpoint of the run itself, a fetch is looked for on
  /// this machine (its check costs nothing), a barrier touches no host.
  public static func mayTrust(_ step: PlannedStep) -> Bool {
    guard step.action != .check else { return false }
    switch step.operation {
    case .wait, .fetch, .barrier: return false
    default: return true
    }
  }

  private struct Completion: Sendable {
    var index: Int
    var outcome: StepOutcome
    var connection: (any RemoteHost)?
    var connectFailed: Bool
  }

  public func run(
    _ plan: Plan, mode: Mode, onEvent: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
  ) async -> ExecutionReport {
    let steps = plan.steps
    // The plan's DAG: node i is step i (ids are unique: the planner makes them so and saved plans
    // are checked by `Plan.validateGraph`); a dependency on no step of the plan is ignored.
    var graph = DirectedGraph()
    for s in steps { graph.add(s.id) }
    for s in steps { for d in s.dependsOn where graph.contains(d) { graph.add(s.id, dependsOn: d) } }
    guard graph.count == steps.count else {
      // Two steps share an id: the plan did not come from the planner or `validateGraph`. Run none.
      let cause = FailureCause(code: "invalid-plan", message: "the plan has duplicate step ids; nothing was run")
      return ExecutionReport(outcomes: Dictionary(steps.map { ($0.id, StepOutcome.failed(cause)) }) { a, _ in a },
        order: Array(graph.nodes))
    }
    let dependents = graph.dependents()
    var waiting = graph.dependencies.map(\.count)

    var state = SchedulerState(steps: steps, concurrency: concurrency)
    for i in steps.indices where waiting[i] == 0 { state.makeReady(i) }
    var outcomes: [String: StepOutcome] = [:]
    var order: [String] = []
    var connections: [HostID: any RemoteHost] = [:]
    var unreachable: [HostID: String] = [:]

    // What changed in this run: hosts on which a step changed or failed (its later steps are
    // checked), and steps at or below a change (their dependents are checked).
    var touchedHosts = Set<HostID>()
    var belowChange = [Bool](repeating: false, count: steps.count)
    // The paths steps wrote (or tried to) on each host in this run: a later step on the same path
    // is checked first, whatever its observation said (two steps may make the same directory).
    var writtenPaths: [HostID: Set<String>] = [:]
    func seenNeedingChange(_ i: Int) -> String? {
      guard mode == .apply, Self.mayApplyUnchecked(steps[i]), let seen = toChange[steps[i].id] else { return nil }
      if let path = steps[i].operation.writtenPath, writtenPaths[steps[i].host]?.contains(path) == true { return nil }
      return seen
    }
    func trusted(_ i: Int) -> Bool {
      inPlace.contains(steps[i].id) && Self.mayTrust(steps[i]) && !touchedHosts.contains(steps[i].host)
        && !graph.dependencies[i].contains { belowChange[$0] }
    }

    var joinPoints = Set<String>()
    func finish(_ i: Int, _ outcome: StepOutcome) {
      outcomes[steps[i].id] = outcome
      switch outcome {
      case .changed, .failed:
        belowChange[i] = true
        touchedHosts.insert(steps[i].host)
        if let path = steps[i].operation.writtenPath { writtenPaths[steps[i].host, default: []].insert(path) }
      case .satisfied, .needsChange, .skipped:
        belowChange[i] = graph.dependencies[i].contains { belowChange[$0] }
      }
      if steps[i].operation == .barrier {
        joinPoints.insert(steps[i].id)
        return
      }
      order.append(steps[i].id)
      onEvent(.finished(step: steps[i].id, host: steps[i].host, outcome: outcome))
    }
    /// Marks every not-yet-finished descendant as skipped because of `root`, in plan order.
    func skipDescendants(of i: Int, root: String) {
      let descendants = graph.descendants(of: steps[i].id).compactMap(graph.position(of:)).sorted()
      for n in descendants where outcomes[steps[n].id] == nil { finish(n, .skipped(rootCause: root)) }
    }

    /// Records an outcome, then skips the descendants of a failure or readies the dependents of a success.
    func complete(_ i: Int, _ outcome: StepOutcome) {
      finish(i, outcome)
      if outcome.isFailure {
        logger.debug("step failed", metadata: ["step": "\(steps[i].id)"])
        skipDescendants(of: i, root: steps[i].id)
        return
      }
      for n in dependents[i] {
        waiting[n] -= 1
        if waiting[n] == 0, outcomes[steps[n].id] == nil { state.makeReady(n) }
      }
    }

    await withTaskGroup(of: Completion.self) { group in
      func launch() {
        while !Task.isCancelled, let i = state.nextRunnable() {
          let planned = steps[i]
          if outcomes[planned.id] != nil {  // skipped meanwhile
            state.release(planned.host)
            continue
          }
          if let root = unreachable[planned.host] {
            finish(i, .skipped(rootCause: root))
            skipDescendants(of: i, root: root)
            state.release(planned.host)
            continue
          }
          if planned.operation == .barrier {
            // Completes at once, on no host; its dependents may start now.
            state.release(planned.host)
            complete(i, .satisfied("barrier"))
            continue
          }
          if trusted(i) {
            onEvent(.started(step: planned.id, host: planned.host))
            state.release(planned.host)
            complete(i, .satisfied(Self.inPlaceWhenPlanned))
            continue
          }
          onEvent(.started(step: planned.id, host: planned.host))
          let existing = connections[planned.host]
          let endpoint = endpoints[planned.host]
          let step = makeStep(planned)
          let seen = seenNeedingChange(i)
          let transport = self.transport
          group.addTask {
            let connection: any RemoteHost
            if let existing {
              connection = existing
            } else {
              do {
                guard let endpoint else {
                  throw RemoteError(.unknownHost, host: planned.host, "\(planned.host) has no endpoint: it is not a host the run can reach")
                }
                connection = try await transport.connect(to: endpoint)
              } catch {
                return Completion(index: i, outcome: .failed(FailureCause(error, on: planned.host)), connection: nil, connectFailed: true)
              }
            }
            let outcome = await Self.execute(step, on: connection, mode: mode, seenNeedingChange: seen)
            return Completion(index: i, outcome: outcome, connection: connection, connectFailed: false)
          }
        }
      }

      launch()
      while let done = await group.next() {
        let planned = steps[done.index]
        if let c = done.connection { connections[planned.host] = c }
        if done.connectFailed { unreachable[planned.host] = planned.id }
        state.release(planned.host)
        complete(done.index, done.outcome)
        launch()
      }
    }
    // Anything left (cancelled before it could start) is skipped.
    for (i, s) in steps.enumerated() where outcomes[s.id] == nil { finish(i, .skipped(rootCause: "cancelled")) }
    for c in connections.values { await c.close() }
    return ExecutionReport(outcomes: outcomes.filter { !joinPoints.contains($0.key) }, order: order)
  }

  /// check → apply → re-check; with `seenNeedingChange` (what this run's observation saw), apply →
  /// re-check.
  static func execute(_ step: any Step, on host: any RemoteHost, mode: Mode, seenNeedingChange: String? = nil) async -> StepOutcome {
    do {
      let change: Change
      if let seen = seenNeedingChange, mode == .apply {
        change = Change(.update, seen)
      } else {
        switch try await step.check(on: host) {
        case .satisfied(let why): return .satisfied(why)
        case .needsChange(let found): change = found
        }
      }
      if mode == .checkOnly { return .needsChange(change) }
      try await step.apply(on: host)
      switch try await step.check(on: host) {
      case .satisfied: return .changed(change.detail)
      case .needsChange(let still):
        return .failed(FailureCause(StepError(.didNotConverge, "applied, but the check still reports: \(still.detail)"), on: step.host))
      }
    } catch {
      return .failed(FailureCause(error, on: step.host))
    }
  }
}

/// Which steps may start: per-host FIFO queues of ready steps (in plan order), a queue of idle hosts
/// with work, and the concurrency bound on busy hosts.
struct SchedulerState {
  let steps: [PlannedStep]
  let concurrency: Int
  private var readyByHost: [HostID: [Int]] = [:]
  private var runnableHosts: [HostID] = []
  private var runnableHead = 0
  private var queued = Set<HostID>()
  private var busy = Set<HostID>()

  init(steps: [PlannedStep], concurrency: Int) {
    self.steps = steps
    self.concurrency = concurrency
  }

  mutating func makeReady(_ i: Int) {
    let host = steps[i].host
    var list = readyByHost[host, default: []]
    let at = list.firstIndex { $0 > i } ?? list.count
    list.insert(i, at: at)
    readyByHost[host] = list
    enqueue(host)
  }

  private mutating func enqueue(_ host: HostID) {
    if !busy.contains(host), !queued.contains(host), readyByHost[host]?.isEmpty == false {
      queued.insert(host)
      runnableHosts.append(host)
    }
  }

  /// The next step to start, marking its host busy; nil when the bound is reached or nothing is ready.
  mutating func nextRunnable() -> Int? {
    guard busy.count < concurrency, runnableHead < runnableHosts.count else { return nil }
    let host = runnableHosts[runnableHead]
    runnableHead += 1
    if runnableHead > 1024, runnableHead * 2 > runnableHosts.count {
      runnableHosts.removeFirst(runnableHead)
      runnableHead = 0
    }
    queued.remove(host)
    busy.insert(host)
    return readyByHost[host]!.removeFirst()
  }

  mutating func release(_ host: HostID) {
    busy.remove(host)
    enqueue(host)
  }
}

extension StepOperation {
  /// The one path a declarative step writes, for telling when two steps of a run write the same.
  var writtenPath: String? {
    switch self {
    case .file(let path, _, _, _, _), .directory(let path, _, _, _), .upload(_, let path, _, _, _, _): path
    case .sysctl(_, let file): file
    case .systemdUnit(let name, _, _, _): SystemdUnitActivation.path(of: name)
    default: nil
    }
  }
}
