import CLibSSH2
import Foundation
import Remote
import Support

/// Running one command on a channel: the sudo wrapper and its gate, stdin streamed in, stdout and
/// stderr read out, and the exit status or signal turned into a `CommandResult`.
extension SSHSession {
  enum Stdin {
    case none
    case bytes([UInt8])
    case file(String)
  }

  /// Runs a command line; a non-zero exit is a value. `timeout` bounds the whole exchange on this
  /// side only: ending the process on the host is up to the caller (`SSHHost.run` wraps a command
  /// that has its own time limit in coreutils `timeout`).
  func exec(_ commandLine: String, stdin: Stdin, privileged: Bool, timeout: Duration) throws -> CommandResult {
    lock.lock()
    defer { lock.unlock() }
    guard let s = session else { throw RemoteError(.disconnected, host: id, "session is closed") }
    let deadline = ContinuousClock.now + timeout
    var line = commandLine
    var sudo = SudoGate(password: nil, open: true)
    if privileged, config.become, config.user != "root" {
      let wrapper = ShellQuoting.quote("printf '\(SudoGate.marker)\\n' >&2; exec \"$@\"")
      if let env = config.becomePasswordEnv, let password = ProcessInfo.processInfo.environment[env] {
        sudo = SudoGate(password: Redacted(password), open: false)
        line = "sudo -S -p \(SudoGate.prompt) -- sh -c \(wrapper) sh " + line
      } else {
        sudo = SudoGate(password: nil, open: false)
        line = "sudo -n -- sh -c \(wrapper) sh " + line
      }
    }
    let channel: OpaquePointer = try retryPointer(deadline, "channel open") {
      libssh2_channel_open_ex(s, "session", 7, 2 * 1024 * 1024, 32768, nil, 0)
    } ?? { throw RemoteError(.channelFailure, host: id, "cannot open a channel: \(lastError())") }()
    defer { _ = try? retry(ContinuousClock.now + .seconds(5), "channel free") { libssh2_channel_free(channel) } }
    let started = try retry(deadline, "exec") { libssh2_channel_process_startup(channel, "exec", 4, line, UInt32(line.utf8.count)) }
    if started != 0 { throw RemoteError(.channelFailure, host: id, "the server refused to run the command: \(lastError())") }

    var input = try StdinReader(stdin, id: id)
    var out: [UInt8] = [], err: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var eofSent = false
    var pendingWrite: [UInt8] = []  // the sudo password line, written before any stdin
    while true {
      var progressed = false
      if !pendingWrite.isEmpty {
        guard let sent = writeSome(channel, &pendingWrite) else {
          throw RemoteError(.disconnected, host: id, "connection lost while sending: \(lastError())")
        }
        progressed = progressed || sent
      } else if sudo.open, !eofSent {
        if let chunk = try input.peek() {
          let n = chunk.withUnsafeBytes { libssh2_channel_write_ex(channel, 0, $0.baseAddress, $0.count) }
          if n > 0 {
            input.consume(n)
            progressed = true
          } else if n < 0, n != Int(LIBSSH2_ERROR_EAGAIN) {
            throw RemoteError(.disconnected, host: id, "connection lost while sending: \(lastError())")
          }
        } else {
          let rc = libssh2_channel_send_eof(channel)
          if rc == 0 { eofSent = true; progressed = true } else if rc != LIBSSH2_ERROR_EAGAIN {
            throw RemoteError(.disconnected, host: id, "connection lost: \(lastError())")
          }
        }
      }
      for stream: Int32 in [0, SSH_EXTENDED_DATA_STDERR] {
        while true {
          let n = buffer.withUnsafeMutableBytes { libssh2_channel_read_ex(channel, stream, $0.baseAddress, $0.count) }
          if n > 0 {
            if stream == 0 { out += buffer[0..<n] } else { err += buffer[0..<n] }
            progressed = true
            continue
          }
          if n < 0, n != Int(LIBSSH2_ERROR_EAGAIN) {
            throw RemoteError(.disconnected, host: id, "connection to \(config.address) lost during the command: \(lastError())")
          }
          break
        }
      }
      if !sudo.open {
        switch sudo.inspect(&err) {
        case .waiting: break
        case .open: progressed = true
        case .sendPassword(let line): pendingWrite = line
        case .failed:
          throw RemoteError(.sudoFailure, host: id, "sudo refused (wrong password?): \(String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
      }
      if libssh2_channel_eof(channel) != 0, !progressed { break }
      if !progressed { try wait(deadline, "the command") }
    }
    _ = try retry(deadline, "channel close") { libssh2_channel_close(channel) }
    _ = try retry(deadline, "channel close") { libssh2_channel_wait_closed(channel) }
    var status = libssh2_channel_get_exit_status(channel)
    var signalName: UnsafeMutablePointer<CChar>?
    var signalLength = 0
    if libssh2_channel_get_exit_signal(channel, &signalName, &signalLength, nil, nil, nil, nil) == 0, let signalName {
      let name = String(cString: signalName)
      libssh2_free(s, signalName)
      err += Array("bulwark: the command was killed by SIG\(name)\n".utf8)
      status = 128 + (Self.signalNumbers[name] ?? 0)
    }
    if !sudo.open {
      throw RemoteError(.sudoFailure, host: id,
        "sudo failed for \(config.user)@\(config.address): \(String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return CommandResult(exitStatus: status, stdout: out, stderr: err)
  }

  static let signalNumbers: [String: Int32] = ["HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "SEGV": 11, "PIPE": 13, "ALRM": 14, "TERM": 15]
}
