import CLibSSH2
import Crypto
import Foundation
import KnownHosts
import Remote
import Support

/// libssh2 must be initialised once, before any thread uses it (its lazy init is not thread-safe).
enum LibSSH2 {
  static let ready: Bool = libssh2_init(0) == 0
}

/// Algorithms Bulwark's client offers: only modern ones, matching what a hardened sshd keeps
/// (no SHA-1, no CBC, no NIST-curve key exchange). Host-key preferences put known key types first.
enum Algorithms {
  static let kex = "curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256"
  static let hostKeys = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"]
  static let ciphers = "aes256-ctr,aes192-ctr,aes128-ctr"
  static let macs = "hmac-sha2-512,hmac-sha2-256"
}

/// One libssh2 session in non-blocking mode. Every method blocks its calling thread (a pool thread,
/// never the cooperative pool) and is serialised by `lock`; C types stay inside this file.
final class SSHSession: @unchecked Sendable {
  let id: HostID
  let config: SSHHostConfig
  private let lock = NSLock()
  private var session: OpaquePointer?
  private var fd: Int32 = -1
  private var tunnel: Tunnel?
  private(set) var negotiatedKex = ""
  private(set) var negotiatedHostKey = ""
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

  // MARK: Connect

  func open(knownHosts: KnownHostsStore, bastionSession: SSHSession? = nil) throws {
    lock.lock()
    defer { lock.unlock() }
    precondition(LibSSH2.ready)
    let deadline = ContinuousClock.now + config.connectTimeout
    if let bastionSession {
      let t = try Tunnel(through: bastionSession, to: config.address, port: config.port, id: id, deadline: deadline)
      tunnel = t
      fd = t.localFD
    } else {
      fd = try TCP.connect(host: config.address, port: config.port, timeout: config.connectTimeout, id: id)
    }
    guard let s = libssh2_session_init_ex(nil, nil, nil, nil) else {
      throw RemoteError(.protocolError, host: id, "libssh2 could not create a session")
    }
    session = s
    libssh2_session_set_blocking(s, 0)
    let known = knownHostKeyTypes(knownHosts)
    let hostKeys = (known + Algorithms.hostKeys.filter { !known.contains($0) }).joined(separator: ",")
    for (method, prefs) in [
      (LIBSSH2_METHOD_KEX, Algorithms.kex), (LIBSSH2_METHOD_HOSTKEY, hostKeys),
      (LIBSSH2_METHOD_CRYPT_CS, Algorithms.ciphers), (LIBSSH2_METHOD_CRYPT_SC, Algorithms.ciphers),
      (LIBSSH2_METHOD_MAC_CS, Algorithms.macs), (LIBSSH2_METHOD_MAC_SC, Algorithms.macs),
    ] {
      _ = libssh2_session_method_pref(s, method, prefs)
    }
    let rc = try retry(deadline, "handshake") { libssh2_session_handshake(s, self.fd) }
    if rc != 0 {
      throw RemoteError(.protocolError, host: id, "SSH handshake with \(config.address):\(config.port) failed: \(lastError())")
    }
    negotiatedKex = libssh2_session_methods(s, LIBSSH2_METHOD_KEX).map { String(cString: $0) } ?? ""
    negotiatedHostKey = libssh2_session_methods(s, LIBSSH2_METHOD_HOSTKEY).map { String(cString: $0) } ?? ""
    try verifyHostKey(knownHosts)
    try authenticate(deadline)
    libssh2_keepalive_config(s, 1, UInt32(max(config.keepaliveSeconds, 1)))
  }

  /// Key types already trusted for this host, so the server is asked for one of those first.
  private func knownHostKeyTypes(_ store: KnownHostsStore) -> [String] {
    if config.hostKeyPolicy == .pinned, let pinned = config.pinnedHostKey {
      return [String(pinned.split(separator: " ")[0])]
    }
    var types: [String] = []
    for e in store.entries(host: config.address, port: config.port) where !e.revoked && !types.contains(e.keyType) {
      if Algorithms.hostKeys.contains(e.keyType) { types.append(e.keyType) }
    }
    return types
  }

  private func verifyHostKey(_ store: KnownHostsStore) throws {
    var length = 0
    var type: Int32 = 0
    guard let raw = libssh2_session_hostkey(session, &length, &type) else {
      throw RemoteError(.protocolError, host: id, "the server sent no host key")
    }
    let blob = Data(bytes: raw, count: length)
    let keyBase64 = blob.base64EncodedString()
    let keyType = Self.keyType(ofBlob: [UInt8](blob)) ?? "unknown"
    let fingerprint = KnownHosts.fingerprint(keyBase64: keyBase64) ?? "?"
    let name = KnownHosts.hostName(config.address, port: config.port)
    let howToTrust =
      "check the fingerprint out of band, then add it: ssh-keyscan -p \(config.port) -t \(keyType) \(config.address) >> \(store.path) (or pin it as ssh.hostKey)"

    if config.hostKeyPolicy == .pinned {
      let pinned = config.pinnedHostKey?.split(separator: " ").map(String.init) ?? []
      guard pinned.count >= 2 else {
        throw RemoteError(.hostKeyUnknown, host: id, "no pinned host key for \(name); the server offers \(keyType) \(fingerprint)")
      }
      guard pinned[0] == keyType, pinned[1] == keyBase64 else {
        throw RemoteError(.hostKeyMismatch, host: id,
          "HOST KEY MISMATCH for \(name): pinned \(pinned[0]) \(KnownHosts.fingerprint(keyBase64: pinned[1]) ?? "?"), server offers \(keyType) \(fingerprint); refusing to connect")
      }
      return
    }
    let entries = store.entries(host: config.address, port: config.port)
    if entries.contains(where: { $0.revoked && $0.keyBase64 == keyBase64 }) {
      throw RemoteError(.hostKeyMismatch, host: id, "the host key \(fingerprint) of \(name) is revoked in \(store.path)")
    }
    if entries.contains(where: { !$0.revoked && $0.keyType == keyType && $0.keyBase64 == keyBase64 }) { return }
    if let other = entries.first(where: { !$0.revoked }) {
      throw RemoteError(.hostKeyMismatch, host: id,
        "HOST KEY MISMATCH for \(name): \(store.path) line \(other.line) has \(other.keyType) \(KnownHosts.fingerprint(keyBase64: other.keyBase64) ?? "?"), server offers \(keyType) \(fingerprint); refusing to connect (if the host was rebuilt, remove the old line after checking)")
    }
    switch config.hostKeyPolicy {
    case .acceptNew:
      try store.add(host: config.address, port: config.port, keyType: keyType, keyBase64: keyBase64)
    case .strict, .pinned:
      throw RemoteError(.hostKeyUnknown, host: id, "unknown host key for \(name): \(keyType) \(fingerprint); \(howToTrust)")
    }
  }

  /// The key type is the first string inside the SSH public-key blob.
  static func keyType(ofBlob blob: [UInt8]) -> String? {
    guard blob.count > 4 else { return nil }
    let n = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
    guard n > 0, 4 + n <= blob.count else { return nil }
    return String(decoding: blob[4..<(4 + n)], as: UTF8.self)
  }

  private func authenticate(_ deadline: ContinuousClock.Instant) throws {
    let user = config.user
    var tried: [String] = []
    let list: UnsafeMutablePointer<CChar>? = try retryPointer(deadline, "auth list") {
      libssh2_userauth_list(self.session, user, UInt32(user.utf8.count))
    }
    if list == nil, libssh2_userauth_authenticated(session) == 1 { return }
    let offered = list.map { String(cString: $0) } ?? ""
    if !offered.split(separator: ",").contains("publickey") {
      throw RemoteError(.authenticationFailed, host: id, "\(user)@\(config.address) does not accept public keys (server offers: \(offered))")
    }
    if config.useAgent, ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil {
      switch try agentAuth(deadline) {
      case .success: return
      case .failure(let why): tried.append("ssh-agent (\(why))")
      }
    }
    let passphrase = ProcessInfo.processInfo.environment[config.passphraseEnv]
    for raw in config.keyFiles {
      let path = raw.hasPrefix("~/") ? NSHomeDirectory() + raw.dropFirst() : raw
      guard FileManager.default.isReadableFile(atPath: path) else {
        tried.append("\(raw) (missing)")
        continue
      }
      let rc = try retry(deadline, "public-key auth") {
        libssh2_userauth_publickey_fromfile_ex(self.session, user, UInt32(user.utf8.count), nil, path, passphrase)
      }
      if rc == 0 { return }
      let why = rc == LIBSSH2_ERROR_FILE ? "cannot load key\(passphrase == nil ? "; set \(config.passphraseEnv) if it has a passphrase" : ", wrong passphrase?")" : "rejected"
      tried.append("\(raw) (\(why))")
    }
    throw RemoteError(.authenticationFailed, host: id,
      "authentication as \(user)@\(config.address) failed; tried: \(tried.isEmpty ? "no keys configured" : tried.joined(separator: ", "))")
  }

  private enum AgentResult { case success, failure(String) }

  private func agentAuth(_ deadline: ContinuousClock.Instant) throws -> AgentResult {
    guard let agent = libssh2_agent_init(session) else { return .failure("cannot initialise") }
    defer {
      libssh2_agent_disconnect(agent)
      libssh2_agent_free(agent)
    }
    guard libssh2_agent_connect(agent) == 0 else { return .failure("cannot connect") }
    guard libssh2_agent_list_identities(agent) == 0 else { return .failure("cannot list keys") }
    var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
    var count = 0
    while true {
      var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
      let rc = libssh2_agent_get_identity(agent, &identity, previous)
      if rc != 0 { break }
      count += 1
      let user = config.user
      let auth = try retry(deadline, "agent auth") { libssh2_agent_userauth(agent, user, identity) }
      if auth == 0 { return .success }
      previous = identity
    }
    return .failure(count == 0 ? "no keys" : "\(count) key\(count == 1 ? "" : "s") rejected")
  }

  // MARK: Commands

  enum Stdin {
    case none
    case bytes([UInt8])
    case file(String)
  }

  /// Runs a command line; a non-zero exit is a value. `remoteTimeout` also bounds the process on the host.
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

/// Watches stderr for sudo's prompt and Bulwark's marker; the password is sent at most once.
struct SudoGate {
  static let marker = "BULWARK-SUDO-OK"
  static let prompt = "BULWARK-SUDO-PROMPT:"
  var password: Redacted<String>?
  var open: Bool
  var passwordSent = false

  enum Step { case waiting, open, sendPassword([UInt8]), failed }

  mutating func inspect(_ err: inout [UInt8]) -> Step {
    let text = String(decoding: err, as: UTF8.self)
    if let r = text.range(of: Self.marker + "\n") {
      err = Array(text[r.upperBound...].utf8)
      open = true
      return .open
    }
    if let r = text.range(of: Self.prompt) {
      err = Array((text[..<r.lowerBound] + text[r.upperBound...]).utf8)
      guard let password, !passwordSent else { return .failed }
      passwordSent = true
      return .sendPassword(Array((password.revealed() + "\n").utf8))
    }
    return .waiting
  }
}

/// Feeds a command's standard input from memory or a file, in chunks.
struct StdinReader {
  private var bytes: [UInt8] = []
  private var offset = 0
  private var file: FileHandle?
  private let chunk = 1 << 20

  init(_ source: SSHSession.Stdin, id: HostID) throws {
    switch source {
    case .none: break
    case .bytes(let b): bytes = b
    case .file(let path):
      guard let h = FileHandle(forReadingAtPath: path) else {
        throw RemoteError(.transferFailure, host: id, "cannot read \(path)")
      }
      file = h
    }
  }

  /// The next unsent bytes, or nil at the end.
  mutating func peek() throws -> ArraySlice<UInt8>? {
    if offset < bytes.count { return bytes[offset..<min(bytes.count, offset + chunk)] }
    guard let file else { return nil }
    let data = try file.read(upToCount: chunk) ?? Data()
    if data.isEmpty {
      try? file.close()
      self.file = nil
      return nil
    }
    bytes = [UInt8](data)
    offset = 0
    return bytes[0..<bytes.count]
  }

  mutating func consume(_ n: Int) { offset += n }
}

// MARK: Bastion tunnels

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
