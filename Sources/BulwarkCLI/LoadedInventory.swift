import Foundation
import Inventory
import KnownHosts
import Support

/// Loads and validates an inventory the way every command needs it.
struct LoadedInventory {
  var inventory: Inventory?
  var diagnostics: [Diagnostic]

  static func load(path: String, displayName: String? = nil) -> LoadedInventory {
    let loaded = InventoryLoader().load(path: path, displayName: displayName)
    var diagnostics = loaded.diagnostics
    if let inv = loaded.inventory {
      let knownHostsPath = resolvePath(inv.ssh.knownHosts, relativeTo: path)
      let knownHosts = (try? KnownHosts(path: knownHostsPath)) ?? KnownHosts()
      let validator = InventoryValidator(
        knownHostKey: { host, port in knownHosts.contains(host: host, port: port) }, today: today())
      diagnostics += validator.validate(inv, hostsIncomplete: loaded.hostsIncomplete)
    }
    return LoadedInventory(inventory: loaded.inventory, diagnostics: diagnostics.sortedByLocation())
  }

  static func today() -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyy-MM-dd"
    f.timeZone = TimeZone(identifier: "UTC")
    f.locale = Locale(identifier: "en_US_POSIX")
    return f.string(from: Date())
  }
}

/// `~/x` expands to the home directory; a relative path is taken from the inventory's directory.
func resolvePath(_ path: String, relativeTo inventoryPath: String) -> String {
  if path.hasPrefix("~/") {
    return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
  }
  if path.hasPrefix("/") { return path }
  let dir = (inventoryPath as NSString).deletingLastPathComponent
  return dir.isEmpty ? path : dir + "/" + path
}
