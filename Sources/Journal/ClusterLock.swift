import Foundation
import Support

/// One run per cluster at a time: an exclusive `flock` on `STATE/lock`, held until the process
/// ends, so a controller that was killed leaves no lock behind. The file also names its holder
/// (pid, machine, start, command); a lock file whose holder is gone is reported as stale and taken
/// over, a live holder is named in the refusal.
public final class ClusterLock: @unchecked Sendable {
  public struct Holder: Sendable, Equatable {
    public var pid: Int32
    public var machine: String
    public var since: String
    public var command: String
  }

  public let path: String
  private let descriptor: Int32
  /// The holder the file named when this lock was taken, if its process was gone: a stale lock.
  public let staleHolder: Holder?

  /// Takes the lock, or throws naming who holds it.
  public init(path: String, command: String) throws {
    self.path = path
    let directory = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw JournalError(.unusable, "cannot open \(path): \(String(cString: strerror(errno)))") }
    let previous = Self.read(fd)
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      let who = previous.map { "pid \($0.pid) on \($0.machine), since \($0.since): \($0.command)" } ?? "another process"
      throw JournalError(.locked, "another Bulwark run holds this cluster's lock (\(who)); wait for it, or stop it")
    }
    descriptor = fd
    staleHolder = previous
    let text = "\(getpid())\n\(ProcessInfo.processInfo.hostName)\n\(ISO8601DateFormatter().string(from: Date()))\n\(command)\n"
    _ = ftruncate(fd, 0)
    _ = pwrite(fd, text, text.utf8.count, 0)
  }

  private var released = false

  /// Empties the file and lets go; a lock file with a holder in it therefore means a run that died.
  public func release() {
    guard !released else { return }
    released = true
    _ = ftruncate(descriptor, 0)
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }

  deinit { release() }

  static func read(_ fd: Int32) -> Holder? {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = pread(fd, &buffer, buffer.count, 0)
    guard n > 0 else { return nil }
    let lines = String(decoding: buffer[..<n], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 4, let pid = Int32(lines[0]) else { return nil }
    return Holder(pid: pid, machine: lines[1], since: lines[2], command: lines[3])
  }
}
