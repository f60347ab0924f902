import ArgumentParser
import Foundation
import Inventory
import Orchestration

struct FetchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Download the inventory's URL artifacts into the state dir, each checked against its sha256.",
    discussion: """
      `apply` does this itself before planning; run it ahead on a machine with access to the URLs to \
      carry the state dir into an air-gapped site. A download whose digest differs is deleted and \
      the command exits 1.
      """)

  @OptionGroup var options: InventoryOptions

  func run() async throws {
    let (inv, _) = try options.load()
    let state = options.stateDirectory(cluster: inv.name)
    try await ArtifactDownloads.fetch(inv, inventoryPath: options.inventory, state: state, notices: Console.notices)
    for d in ArtifactDownloads.wanted(inv, inventoryPath: options.inventory, state: state) {
      Console.out("\(d.path)  sha256 \(d.sha256)\n")
    }
  }
}
