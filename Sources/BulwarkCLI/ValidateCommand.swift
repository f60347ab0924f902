import ArgumentParser
import Inventory
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
    if !loaded.diagnostics.isEmpty { Console.err(loaded.diagnostics.renderedReport() + "\n") }
    guard let inv = loaded.valid else { throw BulwarkExit.invalidInput }
    Console.out("\(options.inventory): valid: cluster \"\(inv.name)\", \(inv.hosts.count) hosts, \(inv.etcdMembers.count) etcd members, \(inv.hosts(with: .controlPlane).count) control planes\n")
  }
}
