import Crypto
import Foundation
import Support

/// A local file to upload, with the sha256 it must have (nil: not known, so it will not be uploaded).
public struct LocalArtifact: Sendable, Hashable {
  public var path: String
  public var sha256: String?
  /// The digest as plans show it: its first 12 hex digits, or "unknown".
  public var shortDigest: String { sha256.map { String($0.prefix(12)) + "…" } ?? "unknown" }
  public init(path: String, sha256: String?) {
    self.path = path
    self.sha256 = sha256
  }
}

/// A `sha256sum`-format manifest: `HEX  relative/path` lines.
public struct Manifest {
  public let directory: String
  public let sums: [String: String]

  public static func find(above start: String) -> Manifest? {
    var dir = URL(fileURLWithPath: start).standardizedFileURL
    for _ in 0..<8 {
      let candidate = dir.appendingPathComponent("SHA256SUMS").path
      if let text = try? String(contentsOfFile: candidate, encoding: .utf8) {
        var sums: [String: String] = [:]
        for line in text.split(separator: "\n") {
          let parts = line.split(separator: " ", maxSplits: 1)
          guard parts.count == 2 else { continue }
          sums[parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " *"))] = String(parts[0])
        }
        return Manifest(directory: dir.path, sums: sums)
      }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path { break }
      dir = parent
    }
    return nil
  }

  public func sha256(of file: String) -> String? {
    let full = URL(fileURLWithPath: file).standardizedFileURL.path
    guard full.hasPrefix(directory + "/") else { return nil }
    return sums[String(full.dropFirst(directory.count + 1))]
  }
}

/// The sha256 of a local file, read in 1 MiB chunks.
public enum LocalFileFailure {}
/// A file on this machine that cannot be read.
public typealias LocalFileError = CodedError<LocalFileFailure>
extension ErrorCode where Domain == LocalFileFailure {
  public static let unreadable = ErrorCode("local-file-unreadable")
}

/// The sha256 of a file on this machine, read in 1 MiB chunks.
public enum LocalDigest {
  public static func sha256(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw LocalFileError(.unreadable, "cannot read \(path)") }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    return hexString(hasher.finalize())
  }
}
