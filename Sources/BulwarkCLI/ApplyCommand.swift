import ArgumentParser
import ControlPlane
import Etcd
import Execution
import Foundation
import Inventory
import Logging
import Planning
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

  @OptionGroup var options: ConnectionOptions

  @Option(help: "A playbook name from the playbooks directory, or a path to a playbook file.")
  var playbook = "bootstrap"

  @OptionGroup var runOptions: RunOptions

  func run() async throws {
    try await runOptions.execute(playbook, options, versionRule: .sameVersion)
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

  func execute(_ playbook: String, _ options: ConnectionOptions, versionRule: ClusterRun.VersionRule) async throws {
    let book = try PlaybookChoice.load(playbook, directory: playbooksDir, inventoryPath: options.inventory.inventory)
    try await ClusterRun(options: options, playbook: book, yes: yes, versionRule: versionRule).execute()
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

  func execute() async throws {
    let (inv, diagnostics, fleet) = try options.connect()
    // A strict policy with a host nobody has vouched for is a warning at validate, an error here.
    let unknown = diagnostics.filter { $0.code == "host-key-unknown" }
    if !unknown.isEmpty {
      for d in unknown { Console.err(Diagnostic(.error, code: d.code, d.message, at: d.location, path: d.path, hint: d.hint).rendered + "\n") }
      throw BulwarkExit.invalidInput
    }
    var facts = EtcdClusterFacts.fresh
    if DomainInputs.usesEtcd(playbook) {
      facts = await EtcdFactsGatherer.gather(inv, fleet: fleet)
      for (host, why) in facts.unreachable.sorted(by: { $0.key < $1.key }) {
        Console.err("warning: no etcd facts from \(host): \(why)\n")
      }
      try checkVersions(facts, inv)
    }
    var kubernetesFacts = KubernetesClusterFacts.fresh
    if DomainInputs.usesKubernetes(playbook, inv) {
      kubernetesFacts = await KubernetesFactsGatherer.gather(inv, fleet: fleet)
    }
    let stateDirectory = options.inventory.stateDirectory(cluster: inv.name)
    try await ArtifactDownloads.fetch(inv, inventoryPath: options.inventory.inventory, stateDirectory: stateDirectory)
    var plan = try DomainInputs.plan(inv, inventoryPath: options.inventory.inventory, stateDirectory: stateDirectory,
      playbook: playbook, writePKI: true, facts: facts, kubernetesFacts: kubernetesFacts, restoreFrom: restoreFrom)
    if DomainInputs.usesEtcd(playbook) || DomainInputs.usesKubernetes(playbook, inv) {
      plan.factsFingerprint = DomainInputs.fingerprint(facts, kubernetesFacts)
    }
    let planned = plan
    Console.out(plan.renderedText())
    if !yes, isatty(STDIN_FILENO) == 1 {
      Console.out("\nApply this plan? Only 'yes' proceeds: ")
      guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
        Console.out("Not applied.\n")
        throw BulwarkExit.failure
      }
    }
    Console.out("\n")
    let executor = Executor(
      transport: fleet.transport, endpoints: fleet.endpoints, concurrency: fleet.concurrency,
      logger: Logger(label: "bulwark.apply"))
    let report = await withInterruptCancellation {
      await executor.run(planned, mode: .apply) { event in
        guard case .finished(let step, _, let outcome) = event else { return }
        Console.out(Self.line(step, outcome) + "\n")
      }
    }
    let failed = report.failures.count
    Console.out(
      "\nApplied: \(report.changedCount) changed, \(report.satisfiedCount) unchanged, \(failed) failed, \(report.skippedCount) skipped.\n"
    )
    for step in plan.steps {
      if case .fetch(_, _, let local) = step.operation, FileManager.default.fileExists(atPath: local) {
        Console.out("Snapshot: \(local)\n")
      }
    }
    if !report.succeeded {
      for f in report.failures { Console.err("error: \(f.step): \(f.message)\n") }
      if versionRule == .upgrade {
        Console.err("The upgrade stopped there. Members already upgraded stay upgraded and the others keep their version; fix the cause and run `bulwark upgrade` again to continue.\n")
      }
      throw BulwarkExit.failure
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

  static func line(_ step: String, _ outcome: StepOutcome) -> String {
    switch outcome {
    case .satisfied: "  ok       \(step)"
    case .changed(let detail): "  changed  \(step): \(detail)"
    case .needsChange(let c): "  pending  \(step): \(c.detail)"
    case .failed(let message): "  FAILED   \(step): \(message)"
    case .skipped(let root): "  skipped  \(step) (because \(root) failed)"
    }
  }
}
