import Crypto
import Foundation
import Remote
import Support

/// The libssh2 implementation of `Transport`. Blocking libssh2 work runs on a small pool of
/// dedicated threads (at most `threads`, started on demand), never on Swift's cooperative pool.
public final class SSHTransport: Transport, @unchecked Sendable {
  private let configs: [HostID: SSHHostConfig]
  private let pool: BlockingPool
  private let storesLock = NSLock()
  private var stores: [String: KnownHostsStore] = [:]

  public init(hosts: [HostID: SSHHostConfig], threads: Int) {
    precondition(LibSSH2.ready, "libssh2_init failed")
    configs = hosts
    pool = BlockingPool(threads: threads)
  }

  /// OS threads started so far for blocking SSH work.
  public var threadCount: Int { pool.threadCount }

  private func store(_ path: String) -> KnownHostsStore {
    storesLock.lock()
    defer { storesLock.unlock() }
    if let s = stores[path] { return s }
    let s = KnownHostsStore(path: path)
    stores[path] = s
    return s
  }

  public func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost {
    guard let config = configs[endpoint.id] else {
      throw RemoteError(.protocolError, host: endpoint.id, "no SSH settings for host \(endpoint.id)")
    }
    let known = store(config.knownHostsPath)
    let session = SSHSession(id: endpoint.id, config: config)
    let bastionSession: SSHSession? = config.bastion.map { b in
      var bc = config
      bc.address = b.address
      bc.port = b.port
      bc.user = b.user
      bc.keyFiles = b.keyFiles.isEmpty ? config.keyFiles : b.keyFiles
      bc.pinnedHostKey = b.pinnedHostKey
      bc.become = false
      bc.bastion = nil
      return SSHSession(id: "\(endpoint.id) (bastion \(b.address))", config: bc)
    }
    try await withTaskCancellationHandler {
      try await pool.run {
        try bastionSession?.open(knownHosts: known)
        try session.open(knownHosts: known, bastionSession: bastionSession)
      }
    } onCancel: {
      bastionSession?.cancel()
      session.cancel()
    }
    return SSHHost(id: endpoint.id, session: session, pool: pool) { [self] in try await self.connect(to: endpoint) }
  }
}

/// One connected host: one session, reused for every operation, one operation at a time.
public final class SSHHost: RemoteHost, @unchecked Sendable {
  public let id: HostID
  let session: SSHSession
  private let pool: BlockingPool
  private let reconnect: @Sendable () async throws -> any RemoteHost

  init(id: HostID, session: SSHSession, pool: BlockingPool, reconnect: @escaping @Sendable () async throws -> any RemoteHost) {
    self.id = id
    self.session = session
    self.pool = pool
    self.reconnect = reconnect
  }

  public func verifyNewConnection() async throws {
    let fresh = try await reconnect()
    let r: CommandResult
    do {
      r = try await fresh.run(RemoteCommand(["true"], privileged: false))
    } catch {
      await fresh.close()
      throw error
    }
    await fresh.close()
    guard r.succeeded else { throw RemoteError(.channelFailure, host: id, "a new connection could not run a command") }
  }

  /// The key exchange and host-key algorithm this session negotiated.
  public var negotiated: (kex: String, hostKey: String) { (session.negotiatedKex, session.negotiatedHostKey) }

  public func run(_ command: RemoteCommand) async throws -> CommandResult {
    // An explicit per-command timeout is enforced on the host too (coreutils `timeout` ends the
    // process); the connection's default limit is enforced here, which costs no extra process.
    let explicit = command.timeoutSeconds.map { Duration.seconds($0) }
    let timeout = explicit ?? session.config.commandTimeout
    let stdin: SSHSession.Stdin = command.stdin.map { .bytes($0) } ?? .none
    let line = explicit.map { Self.bounded(command.commandLine, by: $0) } ?? command.commandLine
    let session = session
    let result = try await withTaskCancellationHandler {
      try await pool.run {
        try session.exec(line, stdin: stdin, privileged: command.privileged, timeout: timeout + .seconds(5))
      }
    } onCancel: {
      session.cancel()
    }
    // 124 is coreutils timeout's "the time ran out"; the command was ended on the host.
    if explicit != nil, result.exitStatus == 124 {
      throw RemoteError(.timeout, host: id, "`\(command.commandLine)` did not finish within \(timeout) and was stopped")
    }
    return result
  }

  /// Wraps a command in coreutils `timeout`, so a command that outlives its budget is ended on the
  /// host too (closing the channel alone would leave it running).
  static func bounded(_ line: String, by timeout: Duration) -> String {
    let seconds = max(1, Int(timeout.seconds.rounded(.up)))
    return "timeout -k 5 \(seconds) sh -c \(ShellQuoting.quote(line))"
  }

  public func readFile(_ path: String) async throws -> [UInt8]? {
    let script = "test -e \"$1\" || exit 3; exec cat -- \"$1\""
    let r = try await run(RemoteCommand(["sh", "-c", script, "sh", path]))
    switch r.exitStatus {
    case 0: return r.stdout
    case 3: return nil
    default: throw RemoteError(.transferFailure, host: id, "cannot read \(path): \(r.stderrTail)")
    }
  }

  public func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws {
    let digest = hexString(SHA256.hash(data: contents))
    try await upload(.bytes(contents), size: contents.count, sha256: digest, to: path, mode: mode, owner: owner, group: group)
  }

  /// Streams a local file (any size) to `path`, atomically; the host checks what arrived against
  /// `sha256` before the rename, so the file is read once here, as it is sent.
  public func uploadFile(_ localPath: String, to path: String, sha256: String, mode: UInt32, owner: String, group: String) async throws {
    guard let size = (try? FileManager.default.attributesOfItem(atPath: localPath))?[.size] as? Int else {
      throw RemoteError(.transferFailure, host: id, "cannot read \(localPath)")
    }
    try await upload(.file(localPath), size: size, sha256: sha256, to: path, mode: mode, owner: owner, group: group)
  }

  private func upload(
    _ source: SSHSession.Stdin, size: Int, sha256: String, to path: String, mode: UInt32, owner: String, group: String
  ) async throws {
    // Temporary file beside the target, checked, then renamed: readers never see a partial file.
    // Run as root (sudo, or a root login), a new file is root:root already. A login user's new file
    // has that user's primary group, whose name Bulwark does not know, so it is always chowned.
    let asRoot = session.config.become || session.config.user == "root"
    let script = UploadScript.render(mode: mode, setOwner: !(asRoot && owner == "root" && group == "root"))
    let argv = ["sh", "-c", script, "sh", path, sha256, String(mode, radix: 8), "\(owner):\(group)"]
    let timeout = session.config.commandTimeout
    let line = Self.bounded(ShellQuoting.commandLine(argv), by: timeout)
    let session = session
    let r = try await withTaskCancellationHandler {
      try await pool.run { try session.exec(line, stdin: source, privileged: true, timeout: timeout + .seconds(5)) }
    } onCancel: {
      session.cancel()
    }
    guard r.succeeded else {
      throw RemoteError(.transferFailure, host: id, "writing \(path) (\(size) bytes) failed: \(r.stderrTail)")
    }
  }

  public func close() async {
    let session = session
    _ = try? await pool.run { session.close() }
  }
}
