import Foundation
import Planning
import Support

/// Finds and loads a playbook by name (or path), or one built into Bulwark.
public enum PlaybookChoice {
  public static func load(_ name: String, directory: String?, inventoryPath: String) throws(OperationError) -> Playbook {
    let locator = PlaybookLocator(directory: directory, inventoryPath: inventoryPath)
    guard let path = locator.find(name) else {
      throw OperationError(.invalidInput, .noPlaybook,
        "no playbook \"\(name)\" (looked in \(locator.searchPath.joined(separator: ", ")))")
    }
    return try parsed(PlaybookLoader().load(path: path))
  }

  /// A playbook built into Bulwark (snapshot, restore), from its phases.
  public static func builtIn(_ name: String, _ phases: String) throws(OperationError) -> Playbook {
    let text = "apiVersion: bulwark.dev/v1alpha1\nkind: Playbook\nname: \(name)\nphases:\n" + phases
    return try parsed(PlaybookLoader().parse(Array(text.utf8), file: "(built-in \(name))"))
  }

  private static func parsed(_ result: Result<Playbook, DiagnosticsError>) throws(OperationError) -> Playbook {
    switch result {
    case .failure(let e): throw .invalid(e.diagnostics, code: .invalidPlaybook)
    case .success(let b): return b
    }
  }
}

/// Finds a playbook by name: an explicit path, the given directory, $BULWARK_PLAYBOOKS, ./playbooks,
/// or next to the inventory.
public struct PlaybookLocator: Sendable {
  public var directory: String?
  public var inventoryPath: String

  public init(directory: String?, inventoryPath: String) {
    self.directory = directory
    self.inventoryPath = inventoryPath
  }

  public var searchPath: [String] {
    let invDir = (inventoryPath as NSString).deletingLastPathComponent
    var dirs: [String] = []
    if let directory { dirs.append(directory) }
    if let env = ProcessInfo.processInfo.environment["BULWARK_PLAYBOOKS"] { dirs.append(env) }
    dirs.append("playbooks")
    dirs.append((invDir.isEmpty ? "." : invDir) + "/../playbooks")
    dirs.append((invDir.isEmpty ? "." : invDir) + "/playbooks")
    return dirs
  }

  public func find(_ name: String) -> String? {
    if name.hasSuffix(".yaml") || name.contains("/") {
      return FileManager.default.fileExists(atPath: name) ? name : nil
    }
    return searchPath.map { "\($0)/\(name).yaml" }.first { FileManager.default.fileExists(atPath: $0) }
  }
}
