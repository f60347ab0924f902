import ArgumentParser
import Execution
import Foundation
import Orchestration
import Planning

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

  // Not `ConnectionOptions`: with a saved plan the inventory may come from the plan itself.
  @Option(name: [.short, .customLong("inventory")], help: "The inventory YAML file (default with a saved plan: the one it names).")
  var inventory: String?

  @Flag(name: .shortAndLong, help: "Show more detail (commands, debug logs).")
  var verbose = false

  @Option(help: "The cluster's local state (PKI, snapshots); default: NAME.state next to the inventory.")
  var stateDir: String?

  @Option(help: "Hosts worked on at once (default: the inventory's ssh.concurrency).")
  var concurrency: Int?

  @OptionGroup var playbooks: PlaybookOptions<BootstrapPlaybook>

  @OptionGroup var runOptions: RunOptions

  func run() async throws {
    let saved = try savedPlan.map(SavedPlanFile.read)
    guard let path = inventory ?? saved?.inventory else {
      throw OperationError(.invalidInput, .invalidInventory, "give the inventory with -i FILE, or a saved plan")
    }
    InventoryOptions.bootstrapLogging(verbose: verbose)
    let access = ClusterAccess(inventoryPath: path, stateDirectoryOverride: stateDir, concurrency: concurrency,
      beforeConnect: askForPassphraseIfNeeded)
    // A saved plan names its playbook's file; older ones only its name, looked for as usual.
    let name = saved.map { $0.playbookFile ?? $0.playbook } ?? playbooks.playbook
    let book = try playbooks.load(name, inventoryPath: path)
    try await runOptions.execute(book, access, verbose: verbose, versionRule: .sameVersion, saved: saved)
  }
}

/// Reads a plan saved by `bulwark plan --out`, refusing one that is not a plan or not a DAG.
enum SavedPlanFile {
  static func read(_ path: String) throws(OperationError) -> Plan {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OperationError(.invalidInput, .invalidPlan, "cannot read \(path)")
    }
    let plan: Plan
    do { plan = try Plan.fromJSON(data) } catch {
      throw OperationError(.invalidInput, .invalidPlan, "\(path) is not a saved plan: \(error)")
    }
    if let problem = plan.validateGraph().first { throw OperationError(.invalidInput, .invalidPlan, "\(path): \(problem)") }
    return plan
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

  @OptionGroup var playbooks: PlaybookOptions<UpgradePlaybook>

  @OptionGroup var runOptions: RunOptions

  func run() async throws {
    let access = options.access()
    try await runOptions.execute(playbooks.load(inventoryPath: access.inventoryPath), access, verbose: options.inventory.verbose,
      versionRule: .upgrade)
  }
}

/// What apply and upgrade share besides the connection and the playbook: the question, and how much
/// is printed.
struct RunOptions: ParsableArguments {
  @Flag(help: "Do not ask for confirmation.")
  var yes = false

  @Flag(name: .shortAndLong, help: "Print only the summary and errors.")
  var quiet = false

  func execute(
    _ book: Playbook, _ access: ClusterAccess, verbose: Bool, versionRule: ClusterRun.VersionRule, saved: Plan? = nil
  ) async throws {
    let run = ClusterRun(access: access, playbook: book, versionRule: versionRule, saved: saved, echo: verbose ? Echo.line : nil)
    try await ClusterRunView.execute(run, yes: yes, quiet: quiet)
  }
}

/// With `-v`: every command a step runs, and every file it writes, as it happens.
enum Echo {
  static let line: @Sendable (String, String) -> Void = { host, text in Console.err("    \(host) $ \(text)\n") }
}

/// Renders a cluster run on the terminal: the plan, the question, live progress, the summary.
struct ClusterRunView: ClusterRunDelegate {
  let yes: Bool
  let quiet: Bool
  let progress = ProgressBox()

  /// Runs it and prints the outcome; a failed run ends with its root causes (exit 1).
  static func execute(_ run: ClusterRun, yes: Bool, quiet: Bool) async throws {
    let view = ClusterRunView(yes: yes, quiet: quiet)
    let result = try await run.execute(delegate: view)
    let r = result.report
    Console.out(
      "\(quiet ? "" : "\n")Applied: \(r.changedCount) changed, \(r.satisfiedCount) unchanged, \(r.failures.count) failed, \(r.skippedCount) skipped.\n")
    if !quiet { for s in result.snapshots { Console.out("Snapshot: \(s)\n") } }
    if let failure = result.failure { throw failure }
  }

  func notice(_ notice: Notice) { Console.notices(notice) }

  func review(_ plan: Plan) async -> Bool {
    if !quiet { plan.writeText(to: Console.out(bytes:)) }
    if !yes, isatty(STDIN_FILENO) == 1 {
      Console.out("\nApply this plan? Only 'yes' proceeds: ")
      guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
        Console.out("Not applied.\n")
        return false
      }
    }
    if !quiet { Console.out("\n") }
    return true
  }

  func runStarting(steps: Int) {
    let p = RunProgress(total: steps, quiet: quiet)
    progress.set(p)
    p.start()
  }

  func event(_ event: ExecutionEvent) { progress.get()?.handle(event) }

  func runEnded() { progress.get()?.stop() }
}

/// Holds the run's progress view for the delegate, which is a value.
final class ProgressBox: @unchecked Sendable {
  private let lock = NSLock()
  private var progress: RunProgress?
  func set(_ p: RunProgress) { lock.withLock { progress = p } }
  func get() -> RunProgress? { lock.withLock { progress } }
}
