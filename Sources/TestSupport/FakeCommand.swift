import Foundation
import Glibc

/// Writes the fake commands tests put on PATH.
///
/// A file is written through a descriptor opened with O_CLOEXEC and closed before it is made
/// executable. Foundation's writers open without O_CLOEXEC, so a child that a parallel test spawns
/// while one is open keeps a descriptor for writing for as long as that child lives, and exec'ing
/// the fake then fails with ETXTBSY ("Text file busy"), as CI saw.
public enum FakeCommand {
  public struct WriteError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Writes `script` to `path` with mode 0755 (replacing what is there) and returns `path`.
  @discardableResult
  public static func write(_ script: String, to path: String) throws -> String {
    let temporary = path + ".tmp-\(getpid())-\(UUID().uuidString)"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw WriteError(description: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
    let bytes = Array(script.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { break }
      written += n
    }
    close(fd)
    guard written == bytes.count, chmod(temporary, 0o755) == 0, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw WriteError(description: "cannot write \(path): \(reason)")
    }
    return path
  }
}
