import CLibSSH2
import Foundation
import Remote

/// Carries an inner SSH connection through a direct-tcpip channel on a bastion's session: the inner
/// session talks to one end of a socketpair, and a pump thread moves bytes between the other end
/// and the channel. Both hops are verified, each against its own host key.
final class Tunnel: @unchecked Sendable {
  let localFD: Int32
  private let pumpFD: Int32
  private let bastion: SSHSession
  private let stopLock = NSLock()
  private var stopped = false
  private let finished = DispatchSemaphore(value: 0)

  init(through bastion: SSHSession, to host: String, port: Int, id: HostID, deadline: ContinuousClock.Instant) throws {
    self.bastion = bastion
    let channel = try bastion.openDirectTCPIP(host: host, port: port, deadline: deadline, for: id)
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
      throw RemoteError(.channelFailure, host: id, "cannot create a socket pair for the bastion tunnel")
    }
    localFD = fds[0]
    pumpFD = fds[1]
    _ = fcntl(pumpFD, F_SETFL, fcntl(pumpFD, F_GETFL) | O_NONBLOCK)
    let handle = ChannelHandle(pointer: channel)
    let thread = Thread { [self] in
      bastion.pump(channel: handle.pointer, socket: pumpFD) { self.isStopped }
      finished.signal()
    }
    thread.name = "bulwark-tunnel-\(id)"
    thread.stackSize = 256 << 10
    thread.start()
  }

  var isStopped: Bool {
    stopLock.lock()
    defer { stopLock.unlock() }
    return stopped
  }

  func stop() {
    stopLock.lock()
    let already = stopped
    stopped = true
    stopLock.unlock()
    if already { return }
    shutdown(localFD, Int32(SHUT_RDWR))
    Glibc.close(localFD)
    finished.wait()
    bastion.close()
  }
}

/// Moves a channel pointer to the tunnel's own thread, its only user from then on.
private struct ChannelHandle: @unchecked Sendable { let pointer: OpaquePointer }

extension SSHSession {
  fileprivate func openDirectTCPIP(host: String, port: Int, deadline: ContinuousClock.Instant, for target: HostID) throws
    -> OpaquePointer
  {
    lock.lock()
    defer { lock.unlock() }
    guard let s = session else { throw RemoteError(.disconnected, host: id, "bastion session is closed") }
    let channel = try retryPointer(deadline, "bastion tunnel") {
      libssh2_channel_direct_tcpip_ex(s, host, Int32(port), "127.0.0.1", 22)
    }
    guard let channel else {
      throw RemoteError(.channelFailure, host: target,
        "bastion \(config.address) refused to forward to \(host):\(port): \(lastError())")
    }
    return channel
  }

  /// Moves bytes both ways until either side closes or `stopped` says so. Runs on the tunnel's thread,
  /// the only user of the bastion session.
  fileprivate func pump(channel: OpaquePointer, socket: Int32, stopped: () -> Bool) {
    var toSocket: [UInt8] = [], toChannel: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var open = true
    while open, !stopped() {
      var progressed = false
      lock.lock()
      if toSocket.isEmpty {
        let n = buffer.withUnsafeMutableBytes { libssh2_channel_read_ex(channel, 0, $0.baseAddress, $0.count) }
        if n > 0 {
          toSocket = Array(buffer[0..<n])
          progressed = true
        } else if n < 0, n != Int(LIBSSH2_ERROR_EAGAIN) {
          open = false
        }
      }
      if !toChannel.isEmpty {
        if let sent = writeSome(channel, &toChannel) { progressed = progressed || sent } else { open = false }
      }
      let eof = libssh2_channel_eof(channel) != 0
      lock.unlock()
      if !toSocket.isEmpty {
        let w = toSocket.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        if w > 0 {
          toSocket.removeFirst(w)
          progressed = true
        } else if w < 0, errno != EAGAIN {
          open = false
        }
      }
      if toChannel.isEmpty {
        let r = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
        if r > 0 {
          toChannel = Array(buffer[0..<r])
          progressed = true
        } else if r == 0 {
          open = false
        }
      }
      if eof, toSocket.isEmpty { open = false }
      if !progressed, open {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, 20)
      }
    }
    lock.lock()
    _ = libssh2_channel_free(channel)
    lock.unlock()
    shutdown(socket, Int32(SHUT_RDWR))
    Glibc.close(socket)
  }
}
