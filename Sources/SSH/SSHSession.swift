import CLibSSH2
import Foundation
import Remote

/// libssh2 must be initialised once, before any thread uses it (its lazy init is not thread-safe).
enum LibSSH2 {
  static let ready: Bool = libssh2_init(0) == 0
}

/// One libssh2 session in non-blocking mode. Every method blocks its calling thread (a pool thread,
/// never the cooperative pool) and is serialised by `lock`; C types stay inside this module.
///
/// The type is split by concern: connecting (`+Connect`), the host-key check (`+HostKey`),
/// authentication (`+Auth`), commands and sudo (`+Exec`) and bastion tunnels (`Tunnel.swift`).
/// This file holds the state and the non-blocking plumbing they all share.
final class SSHSession: @unchecked Sendable {
  let id: HostID
  let config: SSHHostConfig
  /// Serialises every use of `session` and its channels: libssh2 allows one thread per session.
  let lock = NSLock()
  /// The libssh2 session; nil before `open` and after `close`.
  var session: OpaquePointer?
  /// The socket libssh2 talks over: a TCP connection, or the near end of a bastion tunnel.
  var fd: Int32 = -1
  /// The bastion tunnel `fd` belongs to, if any; it owns and closes that socket.
  var tunnel: Tunnel?
  /// The key exchange and host-key algorithm the handshake settled on; set by `open`.
  var negotiatedKex = ""
  var negotiatedHostKey = ""
  private let cancelLock = NSLock()
  private var cancelled = false

  /// Makes the operation in progress (and any later one) stop at its next wait, from any thread.
  func cancel() {
    cancelLock.lock()
    cancelled = true
    cancelLock.unlock()
  }

  private var isCancelled: Bool {
    cancelLock.lock()
    defer { cancelLock.unlock() }
    return cancelled
  }

  init(id: HostID, config: SSHHostConfig) {
    self.id = id
    self.config = config
  }

  deinit { teardown() }

  func close() {
    lock.lock()
    defer { lock.unlock() }
    teardown()
  }

  private func teardown() {
    if let s = session {
      _ = try? retry(ContinuousClock.now + .seconds(2), "disconnect") {
        libssh2_session_disconnect_ex(s, SSH_DISCONNECT_BY_APPLICATION, "bulwark done", "")
      }
      libssh2_session_free(s)
      session = nil
    }
    if fd >= 0, tunnel == nil { Glibc.close(fd) }
    fd = -1
    tunnel?.stop()
    tunnel = nil
  }

  // MARK: Non-blocking plumbing

  /// Calls `op` until it stops answering EAGAIN, waiting on the socket in between.
  func retry(_ deadline: ContinuousClock.Instant, _ what: String, _ op: () -> Int32) throws -> Int32 {
    while true {
      let rc = op()
      if rc != LIBSSH2_ERROR_EAGAIN { return rc }
      try wait(deadline, what)
    }
  }

  func retryPointer<P>(_ deadline: ContinuousClock.Instant, _ what: String, _ op: () -> P?) throws -> P? {
    while true {
      if let p = op() { return p }
      guard let s = session, libssh2_session_last_errno(s) == LIBSSH2_ERROR_EAGAIN else { return nil }
      try wait(deadline, what)
    }
  }

  /// Polls the socket in the directions libssh2 is blocked on; sends keepalives while waiting.
  func wait(_ deadline: ContinuousClock.Instant, _ what: String) throws {
    if isCancelled { throw RemoteError(.cancelled, host: id, "\(what) on \(config.address) was interrupted") }
    let remaining = deadline - ContinuousClock.now
    if remaining <= .zero {
      throw RemoteError(.timeout, host: id, "\(what) on \(config.address) timed out")
    }
    var events: Int16 = 0
    if let s = session {
      let directions = libssh2_session_block_directions(s)
      if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
      if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
      var next: Int32 = 0
      _ = libssh2_keepalive_send(s, &next)
    }
    if events == 0 { events = Int16(POLLIN) }
    // Acknowledge at once: sshd does not set TCP_NODELAY for non-interactive sessions, so a delayed
    // ACK here would hold its next small packet back by up to 40 ms (Linux re-arms delayed ACKs).
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
    var pfd = pollfd(fd: fd, events: events, revents: 0)
    _ = poll(&pfd, 1, Int32(min(remaining.seconds * 1000, 200)))
  }

  func lastError() -> String {
    guard let s = session else { return "no session" }
    var message: UnsafeMutablePointer<CChar>?
    var length: Int32 = 0
    let code = libssh2_session_last_error(s, &message, &length, 0)
    let text = message.map { String(cString: $0) } ?? "unknown error"
    return "\(text) (libssh2 \(code))"
  }
}

/// Writes as much of `bytes` as the channel takes now and drops it from the front. Returns whether
/// anything was written, or nil when the channel is broken.
func writeSome(_ channel: OpaquePointer, _ bytes: inout [UInt8]) -> Bool? {
  let n = bytes.withUnsafeBytes { libssh2_channel_write_ex(channel, 0, $0.baseAddress, $0.count) }
  if n > 0 {
    bytes.removeFirst(n)
    return true
  }
  return n == Int(LIBSSH2_ERROR_EAGAIN) || n == 0 ? false : nil
}
