import ArgumentParser
import Orchestration
import Planning
import Support

/// `--playbook` and `--playbooks-dir`: what plan, apply, upgrade, drift and report share. `Default`
/// names the playbook a command uses when none is given (bootstrap, or upgrade for `upgrade`).
struct PlaybookOptions<Default: DefaultPlaybook>: ParsableArguments {
  @Option(help: "A playbook name from the playbooks directory, or a path to a playbook file.")
  var playbook: String = Default.name

  @Option(help: "Where playbooks live (default: ./playbooks, then next to the inventory).")
  var playbooksDir: String?

  /// The chosen playbook, looked for by name in the playbooks directories (or read from its path).
  func load(inventoryPath: String) throws(OperationError) -> Playbook {
    try load(playbook, inventoryPath: inventoryPath)
  }

  /// `name` (a name or a path) instead of `--playbook`, in the same directories.
  func load(_ name: String, inventoryPath: String) throws(OperationError) -> Playbook {
    try PlaybookChoice.load(name, directory: playbooksDir, inventoryPath: inventoryPath)
  }
}

/// The playbook a command runs when `--playbook` is not given.
protocol DefaultPlaybook { static var name: String { get } }
enum BootstrapPlaybook: DefaultPlaybook { static let name = "bootstrap" }
enum UpgradePlaybook: DefaultPlaybook { static let name = "upgrade" }
