import Foundation

/// A host that hands every call to another one; wrappers override only what they change.
public protocol ForwardingRemoteHost: RemoteHost {
  var base: any RemoteHost { get }
}

extension ForwardingRemoteHost {
  public var id: HostID { base.id }
  public func run(_ command: RemoteCommand) async throws -> CommandResult { try await base.run(command) }
  public func readFile(_ path: String) async throws -> [UInt8]? { try await base.readFile(path) }
  public func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws {
    try await base.writeFile(path, contents: contents, mode: mode, owner: owner, group: group)
  }
  public func uploadFile(_ localPath: String, to path: String, sha256: String, mode: UInt32, owner: String, group: String) async throws {
    try await base.uploadFile(localPath, to: path, sha256: sha256, mode: mode, owner: owner, group: group)
  }
  public func verifyNewConnection() async throws { try await base.verifyNewConnection() }
  public func close() async { await base.close() }
}

/// Keeps one session per host for a whole command: facts, the plan's probes and the run share it
/// (each used to open its own). `close()` on a session handed out is a no-op; `closeAll()` ends them.
public final class SessionCache: Transport, @unchecked Sendable {
  private let base: any Transport
  private let lock = NSLock()
  private var sessions: [HostID: any RemoteHost] = [:]

  public init(base: any Transport) { self.base = base }

  public func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost {
    if let cached = lock.withLock({ sessions[endpoint.id] }) { return SharedSession(base: cached) }
    let session = try await base.connect(to: endpoint)
    let (kept, stored) = lock.withLock { () -> (any RemoteHost, Bool) in
      if let raced = sessions[endpoint.id] { return (raced, false) }
      sessions[endpoint.id] = session
      return (session, true)
    }
    if !stored { await session.close() }
    return SharedSession(base: kept)
  }

  public func closeAll() async {
    let all = lock.withLock { () -> [any RemoteHost] in
      defer { sessions.removeAll() }
      return Array(sessions.values)
    }
    for s in all { await s.close() }
  }
}

/// A cached session as callers see it: everything but `close` goes through.
struct SharedSession: ForwardingRemoteHost {
  let base: any RemoteHost
  func close() async {}
}

/// Every command a step runs and every file it writes, told to `say` as it happens (the command
/// line only; stdin, which carries file contents and sudo's password, never). `bulwark -v` uses it.
public struct EchoingTransport: Transport {
  public var base: any Transport
  public var say: @Sendable (HostID, String) -> Void
  public init(base: any Transport, say: @escaping @Sendable (HostID, String) -> Void) {
    self.base = base
    self.say = say
  }
  public func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost {
    EchoingHost(base: try await base.connect(to: endpoint), say: say)
  }
}

struct EchoingHost: ForwardingRemoteHost {
  var base: any RemoteHost
  var say: @Sendable (HostID, String) -> Void
  func run(_ command: RemoteCommand) async throws -> CommandResult {
    let line = command.commandLine
    say(id, line.count > 300 ? String(line.prefix(300)) + " …" : line)
    return try await base.run(command)
  }
  func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws {
    say(id, "write \(path) (\(contents.count) bytes, \(String(mode, radix: 8)) \(owner):\(group))")
    try await base.writeFile(path, contents: contents, mode: mode, owner: owner, group: group)
  }
  func uploadFile(_ localPath: String, to path: String, sha256: String, mode: UInt32, owner: String, group: String) async throws {
    say(id, "upload \(localPath) -> \(path) (\(String(mode, radix: 8)) \(owner):\(group))")
    try await base.uploadFile(localPath, to: path, sha256: sha256, mode: mode, owner: owner, group: group)
  }
}

/// One line for an error as users see it: a remote error's message and code, anything else as it
/// describes itself.
public func describe(_ error: any Error) -> String {
  if let e = error as? RemoteError { return "\(e.message) [\(e.code)]" }
  return "\(error)"
}
