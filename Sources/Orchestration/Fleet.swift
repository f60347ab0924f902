import Foundation
import Inventory
import Remote

/// Runs one piece of work on many hosts: at most `concurrency` at once, one session per host,
/// every session closed at the end. A cancelled task starts nothing new.
public struct Fleet: Sendable {
  public var transport: any Transport
  public var endpoints: [HostID: HostEndpoint]
  public var concurrency: Int

  public init(transport: any Transport, endpoints: [HostID: HostEndpoint], concurrency: Int) {
    self.transport = transport
    self.endpoints = endpoints
    self.concurrency = concurrency
  }

  public struct Outcome<T: Sendable>: Sendable {
    public var host: HostID
    public var result: Result<T, any Error>
    public var elapsed: Duration
  }

  public func run<T: Sendable>(
    on hosts: [HostID], _ work: @escaping @Sendable (any RemoteHost) async throws -> T
  ) async -> [Outcome<T>] {
    let transport = transport, endpoints = endpoints
    return await withTaskGroup(of: Outcome<T>.self) { group in
      var pending = hosts[...]
      var results: [HostID: Outcome<T>] = [:]
      func start() {
        guard let id = pending.popFirst() else { return }
        group.addTask {
          let clock = ContinuousClock(), begin = clock.now
          if Task.isCancelled { return Outcome(host: id, result: .failure(CancellationError()), elapsed: .zero) }
          guard let endpoint = endpoints[id] else {
            return Outcome(host: id, result: .failure(RemoteError(.unknownHost, host: id, "\(id) is not a host of the inventory")),
              elapsed: .zero)
          }
          let host: any RemoteHost
          do {
            host = try await transport.connect(to: endpoint)
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

  /// The same fleet with one session per host kept for the whole command (`body`), closed at the end.
  public func sharingSessions<T, E: Error>(_ body: (Fleet) async throws(E) -> T) async throws(E) -> T {
    let sessions = SessionCache(base: transport)
    var shared = self
    shared.transport = sessions
    do {
      let value = try await body(shared)
      await sessions.closeAll()
      return value
    } catch {
      await sessions.closeAll()
      throw error
    }
  }
}
