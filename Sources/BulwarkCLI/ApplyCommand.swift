import ArgumentParser
import Kubernetes
import Etcd
import Execution
import Foundation
import Inventory
import Journal
import Logging
import Planning
import Steps
import Remote
import SSH
import Support

struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Plan a playbook, then carry it out over SSH: check, apply, check again.",
    discussion: """
      Gathers facts first (etcd: what each member runs), shows the plan and asks for confirmation on a \
      terminal (--yes skips the question; without a terminal it proceeds). Exits 0 when every step \
      converged, 1 when a step failed (its dependents are skipped and the report names the root cause), \
      3 on invalid input. Running it twice changes nothing.
      """)

  @Argument(help: "A plan saved with `bulwark plan --out`: applied as it is, only while the hosts still match it.")
  var savedPlan: String?

  @Option(name: [.short, .customLong("inventory")], help: "The inventory YAML file (default with a saved plan: the one it names).")
  var inventory: String?

  @Flag(name: .shortAndLong, help: "Show more detail (commands, debug logs).")
  var verbose = false

  @Option(help: "The cluster's local state (PKI, snapshots); default: NAME.state next to the inventory.")
  var stateDir: String?

  @Option(help: "Hosts worked on at once (default: the inventory's ssh.concurrency).")
  var concurrency: Int?

  @Option(help: "A playbook name from the playbooks directory, or a path to a playbook file.")
  var playbook = "bootstrap"

  @OptionGroup var runOptions: RunOptions

  func run() async throws {
    var saved: Plan?
    if let savedPlan {
      guard let data = FileManager.default.contents(atPath: savedPlan) else {
        Console.err("error: cannot read \(savedPlan)\n")
        throw BulwarkExit.invalidInput
      }
      do {
        saved = try Plan.fromJSON(data)
      } catch {
        Console.err("error: \(savedPlan) is not a saved plan: \(error)\n")
        throw BulwarkExit.invalidInput
      }
      if let problem = saved!.validateGraph().first {
        Console.err("error: \(savedPlan): \(problem)\n")
        throw BulwarkExit.invalidInput
      }
    }
    guard let path = inventory ?? saved?.inventory else {
      Console.err("error: give the inventory with -i FILE, or a saved plan\n")
      throw BulwarkExit.invalidInput
    }
    var args = ["-i", path]
    if verbose { args.append("-v") }
    if let stateDir { args += ["--state-dir", stateDir] }
    if let concurrency { args += ["--concurrency", String(concurrency)] }
    let options = try ConnectionOptions.parse(args)
    let name = saved.map { ($0.playbook as NSString).lastPathComponent } ?? playbook
    try await runOptions.execute(name, options, versionRule: .sameVersion, saved: saved)
  }
}

struct UpgradeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "upgrade",
    abstract: "Roll the cluster to the inventory's versions: etcd one member at a time, then Kubernetes.",
    discussion: """
      etcd: a snapshot first; then each member (leadership moved away from a leader) is restarted on \
      the new binary, followed by a gate: every member healthy and this member's revision at least \
      where the cluster was before its restart. Kubernetes: `kubeadm upgrade apply` on the first \
      control plane, `upgrade node` on the others one at a time behind apiserver and endpoint gates, \
      then workers in batches sized by the disruption budget (drain, upgrade, restart, uncordon, \
      Ready). Skipping a minor version, downgrades and kubelet skew are refused when planning. When a \
      gate fails the run stops there, leaving a serving cluster on mixed versions; a re-run continues.
      """)

  @OptionGroup var options: ConnectionOptions

  @Option(help: "The upgrade playbook.")
  var playbook = "upgrade"

  @OptionGroup var runOptions: RunOptions

  func run() async throws {
    try await runOptions.execute(playbook, options, versionRule: .upgrade)
  }
}

/// What apply and upgrade share besides the connection: where playbooks are, and the question.
struct RunOptions: ParsableArguments {
  @Option(help: "Where playbooks live (default: ./playbooks, then next to the inventory).")
  var playbooksDir: String?

  @Flag(help: "Do not ask for confirmation.")
  var yes = false

  @Flag(name: .shortAndLong, help: "Print only the summary and errors.")
  var quiet = false

  func execute(_ playbook: String, _ options: ConnectionOptions, versionRule: ClusterRun.VersionRule, saved: Plan? = nil) async throws {
    let book = try PlaybookChoice.load(playbook, directory: playbooksDir, inventoryPath: options.inventory.inventory)
    try await ClusterRun(options: options, playbook: book, yes: yes, versionRule: versionRule, saved: saved, quiet: quiet).execute()
  }
}

enum PlaybookChoice {
  static func load(_ name: String, directory: String?, inventoryPath: String) throws -> Playbook {
    let locator = PlaybookLocator(directory: directory, inventoryPath: inventoryPath)
    guard let path = locator.find(name) else {
      Console.err("error: no playbook \"\(name)\" (looked in \(locator.searchPath.joined(separator: ", ")))\n")
      throw BulwarkExit.invalidInput
    }
    return try parsed(PlaybookLoader().load(path: path))
  }

  /// A playbook built into the CLI (snapshot, restore).
  static func builtIn(_ name: String, _ phases: String) throws -> Playbook {
    let text = "apiVersion: bulwark.dev/v1alpha1\nkind: Playbook\nname: \(name)\nphases:\n" + phases
    return try parsed(PlaybookLoader().parse(Array(text.utf8), file: "(built-in \(name))"))
  }

  private static func parsed(_ result: Result<Playbook, DiagnosticsError>) throws -> Playbook {
    switch result {
    case .failure(let e):
      Console.err(e.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    case .success(let b): return b
    }
  }
}

/// Facts, plan, confirmation, execution and the report: what apply, upgrade and the etcd commands share.
struct ClusterRun {
  /// Loads the inventory and refuses a strict-policy host nobody has vouched for (a warning at
  /// validate, an error here).
  func connectVouched() throws -> (Inventory, Fleet) {
    let (inv, diagnostics, fleet) = try options.connect()
    let unknown = diagnostics.filter { $0.code == "host-key-unknown" }
    if !unknown.isEmpty {
      for d in unknown { Console.err(Diagnostic(.error, code: d.code, d.message, at: d.location, path: d.path, hint: d.hint).rendered + "\n") }
      throw BulwarkExit.invalidInput
    }
    return (inv, fleet)
  }

  /// Asks the hosts again how the saved plan's steps stand; refuses the plan when anything differs
  /// from what it was made from, naming what.
  static func checkStillCurrent(_ saved: Plan, inv: Inventory, fleet: Fleet, playbook: Playbook) async throws -> Plan {
    guard saved.cluster == inv.name, let expected = saved.factsFingerprint, saved.isObserved else {
      Console.err("error: this saved plan was not made from live facts for cluster \(inv.name); make one with `bulwark plan -i FILE --out PLAN.json`\n")
      throw BulwarkExit.invalidInput
    }
    let facts = await LivePlan.facts(inv, playbook: playbook, fleet: fleet)
    var now = saved
    now.observe(await PlanObserver.observe(saved, fleet: fleet))
    let digest = now.observationDigest(facts: DomainInputs.fingerprint(facts.etcd, facts.kubernetes))
    guard digest == expected else {
      var changed: [String] = []
      for (old, new) in zip(saved.steps, now.steps) where old.observed != new.observed {
        func say(_ o: Observation?) -> String {
          guard let o else { return "-" }
          return o.state == .unchanged ? "as desired" : (o.detail ?? o.state.rawValue)
        }
        changed.append("  \(new.id): when planned: \(say(old.observed)); now: \(say(new.observed))")
      }
      Console.err("error: the hosts changed since this plan was made (facts \(expected.prefix(12)) then, \(digest.prefix(12)) now); refusing to apply it.\n")
      if changed.isEmpty {
        Console.err("  the cluster's facts (etcd members or versions, Kubernetes nodes) differ\n")
      } else {
        Console.err(changed.prefix(20).joined(separator: "\n") + (changed.count > 20 ? "\n  … and \(changed.count - 20) more" : "") + "\n")
      }
      Console.err("Make a new plan: bulwark plan -i \(saved.inventory ?? "FILE") --out PLAN.json\n")
      throw BulwarkExit.invalidInput
    }
    return saved
  }

  enum VersionRule {
    /// Members must already run the inventory's etcd version (`apply`): a version change is `upgrade`'s.
    case sameVersion
    /// Members may move one minor version up (`upgrade`).
    case upgrade
    /// Versions are not checked (restore, snapshot).
    case any
  }

  var options: ConnectionOptions
  var playbook: Playbook
  var yes: Bool
  var versionRule: VersionRule
  var restoreFrom: LocalArtifact? = nil

  /// A plan made earlier (`plan --out`): applied only while the hosts still show what it was made from.
  var saved: Plan? = nil
  /// Only the summary (and errors).
  var quiet = false

  func execute() async throws {
    let (inv, direct) = try connectVouched()
    // One session per host for the facts, the plan's probes and the run.
    let sessions = SessionCache(base: direct.transport)
    var fleet = direct
    fleet.transport = sessions
    do {
      try await execute(inv, fleet: fleet)
      await sessions.closeAll()
    } catch {
      await sessions.closeAll()
      throw error
    }
  }

  func execute(_ inv: Inventory, fleet: Fleet) async throws {
    let stateDirectory = options.inventory.stateDirectory(cluster: inv.name)
    let lock: ClusterLock
    do {
      lock = try ClusterLock(path: stateDirectory + "/lock", command: CommandLine.arguments.joined(separator: " "))
    } catch {
      Console.err("error: \(error)\n")
      throw BulwarkExit.failure
    }
    defer { lock.release() }
    if let stale = lock.staleHolder {
      Console.err("note: a stale lock from pid \(stale.pid) on \(stale.machine) (since \(stale.since)) was left by a run that did not end cleanly; taken over\n")
    }
    let journal: RunJournal
    do { journal = try RunJournal(path: stateDirectory + "/journal.db") } catch {
      Console.err("error: \(error)\n")
      throw BulwarkExit.failure
    }
    try reportUnfinished(journal)

    let plan: Plan
    if let saved {
      plan = try await Self.checkStillCurrent(saved, inv: inv, fleet: fleet, playbook: playbook)
    } else {
      plan = try await LivePlan.make(inv, inventoryPath: options.inventory.inventory, stateDirectory: stateDirectory,
        playbook: playbook, fleet: fleet, writePKI: true, restoreFrom: restoreFrom) { try checkVersions($0, inv) }
    }
    if !quiet { Console.out(plan.renderedText()) }
    if !yes, isatty(STDIN_FILENO) == 1 {
      Console.out("\nApply this plan? Only 'yes' proceeds: ")
      guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
        Console.out("Not applied.\n")
        throw BulwarkExit.failure
      }
    }
    if !quiet { Console.out("\n") }
    let transport: any Transport = options.inventory.verbose ? EchoingTransport(base: fleet.transport) : fleet.transport
    let executor = Executor(
      transport: transport, endpoints: fleet.endpoints, concurrency: fleet.concurrency,
      logger: Logger(label: "bulwark.apply"))
    let runID = try journal.beginRun(playbook: plan.playbook, plan: plan.factsFingerprint ?? "-")
    let progress = RunProgress(total: plan.steps.filter { $0.operation != .barrier }.count, quiet: quiet)
    progress.start()
    let planned = plan
    let report = await withInterruptCancellation {
      await executor.run(planned, mode: .apply) { event in
        // The start is on disk before the step touches its host.
        switch event {
        case .started(let step, let host): try? journal.stepStarted(runID, step: step, host: host)
        case .finished(let step, let host, let outcome):
          try? journal.stepFinished(runID, step: step, host: host, outcome: Self.word(outcome), detail: Self.detail(outcome))
        }
        progress.handle(event)
      }
    }
    progress.stop()
    try? journal.endRun(runID, result: Task.isCancelled ? "interrupted" : (report.succeeded ? "succeeded" : "failed"))
    let failed = report.failures.count
    Console.out(
      "\(quiet ? "" : "\n")Applied: \(report.changedCount) changed, \(report.satisfiedCount) unchanged, \(failed) failed, \(report.skippedCount) skipped.\n"
    )
    for step in plan.steps {
      if case .fetch(_, _, let local) = step.operation, FileManager.default.fileExists(atPath: local), !quiet {
        Console.out("Snapshot: \(local)\n")
      }
    }
    if !report.succeeded {
      for f in report.failures { Console.err("error: \(f.step): \(f.message)\n") }
      if versionRule == .upgrade {
        Console.err("The upgrade stopped there. Members already upgraded stay upgraded and the others keep their version; fix the cause and run `bulwark upgrade` again to continue.\n")
      } else {
        Console.err("Fix the cause and run the same command again: finished steps are checked and left alone, the rest continue.\n")
      }
      throw BulwarkExit.failure
    }
  }

  /// The last run, when it did not finish: what was in flight, what failed. Every step is checked
  /// again before anything is applied, so nothing is repeated that its check does not call for.
  func reportUnfinished(_ journal: RunJournal) throws {
    guard let last = try journal.lastRun(), last.result != "succeeded" else { return }
    let steps = try journal.steps(of: last.id)
    let inFlight = steps.filter { $0.outcome == nil }
    let failed = steps.filter { $0.outcome == "failed" }
    let finished = steps.filter { $0.outcome != nil }.count
    let when = ISO8601DateFormatter().string(from: last.startedAt)
    if last.endedAt == nil {
      Console.err("Resuming: run #\(last.id) (\(last.playbook), started \(when)) did not finish; the controller stopped (killed, or its machine went down) after \(finished) steps.\n")
      try journal.endRun(last.id, result: "abandoned")
    } else if !failed.isEmpty || last.result == "interrupted" {
      Console.err("Resuming: run #\(last.id) (\(last.playbook), started \(when)) ended \(last.result ?? "early") after \(finished) steps.\n")
    } else {
      return
    }
    for s in inFlight { Console.err("  in flight then: \(s.step) on \(s.host)\n") }
    for s in failed { Console.err("  failed then: \(s.step) on \(s.host): \(s.detail ?? "")\n") }
    Console.err("Each of these, and every other step, is checked again before anything is applied; nothing runs again unless its check says it must.\n\n")
  }

  static func word(_ outcome: StepOutcome) -> String {
    switch outcome {
    case .satisfied: "ok"
    case .changed: "changed"
    case .needsChange: "pending"
    case .failed: "failed"
    case .skipped: "skipped"
    }
  }

  static func detail(_ outcome: StepOutcome) -> String? {
    switch outcome {
    case .satisfied(let d), .changed(let d), .failed(let d): d
    case .needsChange(let c): c.detail
    case .skipped(let root): "because \(root) failed"
    }
  }

  func checkVersions(_ facts: EtcdClusterFacts, _ inv: Inventory) throws {
    let target = inv.versions.etcd
    let running = facts.hosts.compactMapValues(\.runningVersion)
    switch versionRule {
    case .any: return
    case .sameVersion:
      let other = running.filter { $0.value != target }.sorted { $0.key < $1.key }
      guard other.isEmpty else {
        let list = other.map { "\($0.key) runs \($0.value)" }.joined(separator: ", ")
        Console.err("error: the inventory asks for etcd \(target), but \(list). A version change is a rolling upgrade: run `bulwark upgrade -i \(options.inventory.inventory)`.\n")
        throw BulwarkExit.invalidInput
      }
    case .upgrade:
      if let refusal = EtcdVersionPolicy.refusal(running: running, target: target) {
        Console.err("error: \(refusal)\n")
        throw BulwarkExit.invalidInput
      }
    }
  }


}
