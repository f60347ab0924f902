import Foundation
import Inventory
import Kubernetes
import Planning

/// Fetches artifacts given as `url` + `sha256` into the state dir's `downloads/SHA256/NAME`, once:
/// a file is kept only when its digest is the one the inventory gives. `curl` does the transfer
/// (HTTPS, or HTTP to a local mirror), on a thread of its own, never the cooperative pool's.
public enum ArtifactDownloads {
  /// The downloads the inventory asks for (local path, URL, digest), fetched or not.
  public static func wanted(_ inv: Inventory, inventoryPath: String, state: StateDirectory) -> [(url: String, sha256: String, path: String)] {
    let directory = (inventoryPath as NSString).deletingLastPathComponent
    return KubernetesArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory, stateDirectory: state.path)
      .downloads
  }

  public static func fetch(_ inv: Inventory, inventoryPath: String, state: StateDirectory, notices: NoticeSink = { _ in })
    async throws(OperationError)
  {
    for d in wanted(inv, inventoryPath: inventoryPath, state: state) where !FileManager.default.fileExists(atPath: d.path) {
      notices(Notice(.note, "downloading \(d.url)"))
      try await download(d.url, to: d.path, sha256: d.sha256)
    }
  }

  static func download(_ url: String, to path: String, sha256: String) async throws(OperationError) {
    func failed(_ why: String) -> OperationError { OperationError(.failed, .download, why) }
    let folder = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch { throw failed("cannot make \(folder): \(error.localizedDescription)") }
    let partial = path + ".partial"
    let status = try await runDetached(["curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=https,http",
      "--max-time", "600", "--output", partial, url])
    guard status == 0 else {
      try? FileManager.default.removeItem(atPath: partial)
      throw failed("downloading \(url) failed (curl exited \(status))")
    }
    let actual: String
    do { actual = try LocalDigest.sha256(ofFile: partial) } catch { throw failed("\(error)") }
    guard actual == sha256 else {
      try? FileManager.default.removeItem(atPath: partial)
      throw failed("\(url) has sha256 \(actual), but the inventory says \(sha256); the download was deleted")
    }
    chmod(partial, 0o755)
    do { try FileManager.default.moveItem(atPath: partial, toPath: path) } catch {
      throw failed("cannot store \(path): \(error.localizedDescription)")
    }
  }

  /// Runs a process to completion on a thread of its own and returns its exit status.
  static func runDetached(_ argv: [String]) async throws(OperationError) -> Int32 {
    let result: Result<Int32, OperationError> = await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        do {
          try p.run()
          p.waitUntilExit()
          continuation.resume(returning: .success(p.terminationStatus))
        } catch {
          continuation.resume(returning: .failure(OperationError(.failed, .download, "cannot run \(argv[0]): \(error)")))
        }
      }
    }
    return try result.get()
  }
}
