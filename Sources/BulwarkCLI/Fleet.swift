import Foundation
import Inventory
import Remote
import SSH

/// Runs one piece of work on many hosts over SSH: at most `concurrency` at once, one session per
/// host, every session closed at the end, and Ctrl-C cancels what has not started.
struct Fleet {
  var transport: any Transport
  var endpoints: [HostID: HostEndpoint]
  var concurrency: Int

  struct Outcome<T: Sendable>: Sendable {
    var host: HostID
    var result: Result<T, any Error>
    var elapsed: Duration
  }

  func run<T: Sendable>(
    on hosts: [HostID], _ work: @escaping @Sendable (any RemoteHost) async throws -> T
  ) async -> [Outcome<T>] {
    let transport = transport, endpoints = endpoints
    return await withInterruptCancellation {
      await withTaskGroup(of: Outcome<T>.self) { group in
        var pending = hosts[...]
        var results: [HostID: Outcome<T>] = [:]
        func start() {
          guard let id = pending.popFirst() else { return }
          group.addTask {
            let clock = ContinuousClock(), begin = clock.now
            if Task.isCancelled {
              return Outcome(host: id, result: .failure(CLIError("interrupted")), elapsed: .zero)
            }
            let host: any RemoteHost
            do {
              host = try await transport.connect(to: endpoints[id]!)
            } catch {
              return Outcome(host: id, result: .failure(error), elapsed: clock.now - begin)
            }
            let result: Result<T, any Error>
            do { result = .success(try await work(host)) } catch { result = .failure(error) }
            await host.close()
            return Outcome(host: id, result: result, elapsed: clock.now - begin)
          }
        }
        for _ in 0..<min(concurrency, hosts.count) { start() }
        while let outcome = await group.next() {
          results[outcome.host] = outcome
          start()
        }
        return hosts.compactMap { results[$0] }
      }
    }
  }
}

/// Cancels `body` on SIGINT (Ctrl-C), so sessions close cleanly instead of the process dying.
func withInterruptCancellation<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
  signal(SIGINT, SIG_IGN)
  let task = Task { await body() }
  let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
  source.setEventHandler {
    FileHandle.standardError.write(Data("\ninterrupted: closing sessions\n".utf8))
    task.cancel()
  }
  source.resume()
  defer {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
  return await task.value
}

/// Keeps one session per host for a whole command: facts, the plan's probes and the run share it
/// (each used to open its own). `close()` on a session handed out is a no-op; `closeAll()` ends them.
final class SessionCache: Transport, @unchecked Sendable {
  private let base: any Transport
  private let lock = NSLock()
  private var sessions: [HostID: any RemoteHost] = [:]

  init(base: any Transport) { self.base = base }

  func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost {
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

  func closeAll() async {
    let all = lock.withLock { () -> [any RemoteHost] in
      defer { sessions.removeAll() }
      return Array(sessions.values)
    }
    for s in all { await s.close() }
  }
}

/// A host that hands every call to another one; wrappers override only what they change.
protocol ForwardingRemoteHost: RemoteHost {
  var base: any RemoteHost { get }
}

extension ForwardingRemoteHost {
  var id: HostID { base.id }
  func run(_ command: RemoteCommand) async throws -> CommandResult { try await base.run(command) }
  func readFile(_ path: String) async throws -> [UInt8]? { try await base.readFile(path) }
  func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws {
    try await base.writeFile(path, contents: contents, mode: mode, owner: owner, group: group)
  }
  func uploadFile(_ localPath: String, to path: String, mode: UInt32, owner: String, group: String) async throws {
    try await base.uploadFile(localPath, to: path, mode: mode, owner: owner, group: group)
  }
  func verifyNewConnection() async throws { try await base.verifyNewConnection() }
  func close() async { await base.close() }
}

/// A cached session as callers see it: everything but `close` goes through.
struct SharedSession: ForwardingRemoteHost {
  let base: any RemoteHost
  func close() async {}
}
