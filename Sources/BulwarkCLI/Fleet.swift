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
