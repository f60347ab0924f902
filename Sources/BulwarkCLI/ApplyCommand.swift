import ArgumentParser
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
      Shows the plan first and asks for confirmation on a terminal (--yes skips the question; without a
      terminal it proceeds). Exits 0 when every step converged, 1 when a step failed (its dependents are
      skipped and the report names the root cause), 3 on invalid input. Running it twice changes nothing.
      """)

  @OptionGroup var options: ConnectionOptions

  @Option(help: "A playbook name from the playbooks directory, or a path to a playbook file.")
  var playbook = "bootstrap"

  @Option(help: "Where playbooks live (default: ./playbooks, then next to the inventory).")
  var playbooksDir: String?

  @Flag(help: "Do not ask for confirmation.")
  var yes = false

  func run() async throws {
    let (inv, diagnostics, fleet) = try options.connect()
    // A strict policy with a host nobody has vouched for is a warning at validate, an error here.
    let unknown = diagnostics.filter { $0.code == "host-key-unknown" }
    if !unknown.isEmpty {
      for d in unknown { Console.err(Diagnostic(.error, code: d.code, d.message, at: d.location, path: d.path, hint: d.hint).rendered + "\n") }
      throw BulwarkExit.invalidInput
    }
    let locator = PlaybookLocator(directory: playbooksDir, inventoryPath: options.inventory.inventory)
    guard let path = locator.find(playbook) else {
      Console.err("error: no playbook \"\(playbook)\" (looked in \(locator.searchPath.joined(separator: ", ")))\n")
      throw BulwarkExit.invalidInput
    }
    let book: Playbook
    switch PlaybookLoader().load(path: path) {
    case .failure(let e):
      Console.err(e.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    case .success(let b): book = b
    }
    let inputs = DomainInputs.gather(inv, inventoryPath: options.inventory.inventory,
      stateDirectory: options.inventory.stateDirectory(cluster: inv.name), playbook: book, writePKI: true)
    for d in inputs.diagnostics { Console.err(d.rendered + "\n") }
    if inputs.diagnostics.hasErrors { throw BulwarkExit.invalidInput }
    let plan: Plan
    switch Planner(kinds: inputs.kinds).plan(inv, playbook: book) {
    case .failure(let e):
      Console.err(e.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    case .success(let p): plan = p
    }
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
      await executor.run(plan, mode: .apply) { event in
        guard case .finished(let step, _, let outcome) = event else { return }
        Console.out(Self.line(step, outcome) + "\n")
      }
    }
    let failed = report.failures.count
    Console.out(
      "\nApplied: \(report.changedCount) changed, \(report.satisfiedCount) unchanged, \(failed) failed, \(report.skippedCount) skipped.\n"
    )
    if !report.succeeded {
      for f in report.failures { Console.err("error: \(f.step): \(f.message)\n") }
      throw BulwarkExit.failure
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
