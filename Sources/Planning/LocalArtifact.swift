import Crypto
import Foundation
import Support
import Synchronization

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
  /// The file's sha256. A file this process hashed before is not read again while it is the same
  /// file as then: the same device and inode, size, and modification and status-change times to the
  /// nanosecond (an upload to 50 hosts checks the same package 50 times). What a host receives is
  /// checked there against the plan's digest in any case.
  public static func sha256(ofFile path: String) throws -> String {
    let before = FileIdentity(path)
    if let before, let known = memo.withLock({ $0[path] }), known.identity == before { return known.digest }
    guard let handle = FileHandle(forReadingAtPath: path) else { throw LocalFileError(.unreadable, "cannot read \(path)") }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    let digest = hexString(hasher.finalize())
    // Kept only when the file did not change while it was read.
    if let before, FileIdentity(path) == before { memo.withLock { $0[path] = (before, digest) } }
    return digest
  }

  private static let memo = Mutex<[String: (identity: FileIdentity, digest: String)]>([:])

  /// What tells one version of a file from another without reading it.
  struct FileIdentity: Equatable {
    var device: UInt64, inode: UInt64, size: Int64
    var modified: timespec, changed: timespec

    init?(_ path: String) {
      var s = stat()
      guard stat(path, &s) == 0, (s.st_mode & S_IFMT) == S_IFREG else { return nil }
      device = UInt64(s.st_dev)
      inode = UInt64(s.st_ino)
      size = Int64(s.st_size)
      modified = s.st_mtim
      changed = s.st_ctim
    }

    static func == (a: Self, b: Self) -> Bool {
      a.device == b.device && a.inode == b.inode && a.size == b.size
        && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
        && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
  }
}
