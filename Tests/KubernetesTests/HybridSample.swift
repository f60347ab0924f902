import Inventory
import TestSupport
import Testing

/// inventories/hybrid.yaml as the Kubernetes tests load it; with `extraWorker`, plus one worker the
/// cluster does not have yet (worker-dc1-2), as a scale would add.
enum HybridSample {
  static let path = repositoryRoot() + "/inventories/hybrid.yaml"

  static func load(extraWorker: Bool = false) throws -> Inventory {
    var text = try String(contentsOfFile: path, encoding: .utf8)
    if extraWorker {
      text = text.replacingOccurrences(of: "  kubernetes:\n    cni:", with: """
            - name: worker-dc1-2
              address: 10.10.3.12
              site: dc1
              roles: [worker]
          kubernetes:
            cni:
        """)
    }
    let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: path)
    return try #require(loaded.inventory, "\(loaded.diagnostics)")
  }
}
