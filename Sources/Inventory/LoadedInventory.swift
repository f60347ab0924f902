import Foundation
import KnownHosts
import Support

/// An inventory loaded and validated the way every command needs it: decoding problems and the
/// validator's rules (host keys looked up in the inventory's known_hosts) in one sorted list.
public struct LoadedInventory: Sendable {
  public var inventory: Inventory?
  public var diagnostics: [Diagnostic]
  public var path: String

  public static func load(path: String, displayName: String? = nil, today: String = UTCDate.day()) -> LoadedInventory {
    let loaded = InventoryLoader().load(path: path, displayName: displayName)
    var diagnostics = loaded.diagnostics
    if let inv = loaded.inventory {
      let knownHostsPath = resolvePath(inv.ssh.knownHosts, relativeTo: path)
      let knownHosts = (try? KnownHosts(path: knownHostsPath)) ?? KnownHosts()
      let validator = InventoryValidator(
        knownHostKey: { host, port in knownHosts.contains(host: host, port: port) }, today: today)
      diagnostics += validator.validate(inv, hostsIncomplete: loaded.hostsIncomplete)
    }
    return LoadedInventory(inventory: loaded.inventory, diagnostics: diagnostics.sortedByLocation(), path: path)
  }

  /// The inventory when it has no errors.
  public var valid: Inventory? { diagnostics.hasErrors ? nil : inventory }
}

/// `~/x` expands to the home directory; a relative path is taken from the inventory's directory.
public func resolvePath(_ path: String, relativeTo inventoryPath: String) -> String {
  if path.hasPrefix("~/") {
    return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
  }
  if path.hasPrefix("/") { return path }
  let dir = (inventoryPath as NSString).deletingLastPathComponent
  return dir.isEmpty ? path : dir + "/" + path
}
