import ArgumentParser
import Kubernetes
import Foundation
import Inventory
import Planning

/// Fetches artifacts given as `url` + `sha256` into the state dir's `downloads/SHA256/NAME`, once:
/// a file is kept only when its digest is the one the inventory gives. `curl` does the transfer
/// (HTTPS, or HTTP to a local mirror), on a thread of its own, never the cooperative pool's.
enum ArtifactDownloads {
  static func fetch(_ inv: Inventory, inventoryPath: String, stateDirectory: String) async throws {
    let directory = (inventoryPath as NSString).deletingLastPathComponent
    let wanted = KubernetesArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory,
      stateDirectory: stateDirectory).downloads
    for d in wanted where !FileManager.default.fileExists(atPath: d.path) {
      Console.err("downloading \(d.url)\n")
      try await download(d.url, to: d.path, sha256: d.sha256)
    }
  }

  static func download(_ url: String, to path: String, sha256: String) async throws {
    let folder = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let partial = path + ".partial"
    let status = try await runDetached(["curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=https,http",
      "--max-time", "600", "--output", partial, url])
    guard status == 0 else {
      try? FileManager.default.removeItem(atPath: partial)
      throw CLIError("downloading \(url) failed (curl exited \(status))")
    }
    let actual = try LocalDigest.sha256(ofFile: partial)
    guard actual == sha256 else {
      try? FileManager.default.removeItem(atPath: partial)
      throw CLIError("\(url) has sha256 \(actual), but the inventory says \(sha256); the download was deleted")
    }
    chmod(partial, 0o755)
    try FileManager.default.moveItem(atPath: partial, toPath: path)
  }

  /// Runs a process to completion on a thread of its own and returns its exit status.
  static func runDetached(_ argv: [String]) async throws -> Int32 {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        do {
          try p.run()
          p.waitUntilExit()
          continuation.resume(returning: p.terminationStatus)
        } catch {
          continuation.resume(throwing: CLIError("cannot run \(argv[0]): \(error)"))
        }
      }
    }
  }
}

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
    options.bootstrapLogging()
    let loaded = LoadedInventory.load(path: options.inventory)
    guard let inv = loaded.inventory, !loaded.diagnostics.hasErrors else {
      Console.err(loaded.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    }
    let state = options.stateDirectory(cluster: inv.name)
    do {
      try await ArtifactDownloads.fetch(inv, inventoryPath: options.inventory, stateDirectory: state)
    } catch {
      Console.err("error: \(error)\n")
      throw BulwarkExit.failure
    }
    let directory = (options.inventory as NSString).deletingLastPathComponent
    for d in KubernetesArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory, stateDirectory: state).downloads {
      Console.out("\(d.path)  sha256 \(d.sha256)\n")
    }
  }
}
