import Foundation
import KnownHosts
import Remote

/// known_hosts shared by every session of a transport; appends for accept-new are serialised.
final class KnownHostsStore: @unchecked Sendable {
  let path: String
  private let lock = NSLock()
  private var known: KnownHosts

  init(path: String) {
    self.path = path
    known = (try? KnownHosts(path: path)) ?? KnownHosts()
  }

  func entries(host: String, port: Int) -> [KnownHosts.Entry] {
    lock.lock()
    defer { lock.unlock() }
    return known.entries(host: host, port: port)
  }

  /// Appends a line like OpenSSH's accept-new does; the file is created 0600 if missing.
  func add(host: String, port: Int, keyType: String, keyBase64: String) throws {
    lock.lock()
    defer { lock.unlock() }
    let line = KnownHosts.line(host: host, port: port, keyType: keyType, keyBase64: keyBase64) + "\n"
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
    guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
    defer { close(fd) }
    _ = line.withCString { write(fd, $0, strlen($0)) }
    known = (try? KnownHosts(path: path)) ?? known
  }
}
