import ArgumentParser
import Inventory
import Kubernetes
import Support

struct ValidateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check an inventory and report every problem at once.",
    discussion: "Exits 0 when valid (warnings allowed), 3 when the inventory has errors.")

  @OptionGroup var options: InventoryOptions

  func run() async throws {
    options.bootstrapLogging()
    let loaded = LoadedInventory.load(path: options.inventory)
    // A Kubernetes minor without upstream requirements is refused here as well as by the renderer.
    let diagnostics = loaded.diagnostics + (loaded.inventory.map { KubernetesRequirements.check($0) } ?? [])
    if !diagnostics.isEmpty { Console.err(diagnostics.renderedReport() + "\n") }
    guard let inv = loaded.inventory, !diagnostics.hasErrors else { throw BulwarkExit.invalidInput }
    Console.out("\(options.inventory): valid: cluster \"\(inv.name)\", \(inv.hosts.count) hosts, \(inv.etcdMembers.count) etcd members, \(inv.hosts(with: .controlPlane).count) control planes\n")
  }
}
