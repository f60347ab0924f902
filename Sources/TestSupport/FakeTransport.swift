import Foundation
import Remote

/// An in-memory transport for fast tests: scripted command replies, a file map per host, fault
/// injection, and a record of everything run. Thread-safe; hosts share one state box.
public final class FakeTransport: Transport, @unchecked Sendable {
  public typealias Responder = @Sendable (HostID, RemoteCommand) -> CommandResult?

  private let lock = NSLock()
  private var files: [HostID: [String: [UInt8]]] = [:]
  private var log: [(HostID, String)] = []
  private var unreachable: Set<HostID> = []
  private var active: Set<HostID> = []
  private var maxActive = 0
  private var responders: [Responder] = []
  public var commandDelay: Duration = .zero

  public init() {}

  public func setUnreachable(_ host: HostID) { _ = locked { unreachable.insert(host) } }
  public func respond(_ responder: @escaping Responder) { locked { responders.append(responder) } }
  public func file(_ host: HostID, _ path: String) -> [UInt8]? { locked { files[host]?[path] } }
  public func setFile(_ host: HostID, _ path: String, _ content: [UInt8]?) { locked { files[host, default: [:]][path] = content } }
  /// Every operation as `host: what`, in the order they happened.
  public var operations: [String] { locked { log.map { "\($0.0): \($0.1)" } } }
  /// The most hosts that had an operation in flight at the same moment.
  public var peakConcurrentHosts: Int { locked { maxActive } }

  /// Answers the steps' file probes (`stat -c '…' -- PATH || exit 3[; exec cat -- PATH]`) from this
  /// fake's files, reporting them with the given mode and owner; absent files exit 3.
  public func emulateFileProbe(mode: String, owner: String = "root", group: String = "root", directories: Bool = false) {
    respond { [unowned self] host, c in
      let line = c.line, prefix = "stat -c '%a %U %G %s %F' -- "
      guard line.hasPrefix(prefix), let end = line.range(of: " || exit 3") else { return nil }
      let path = String(line[line.index(line.startIndex, offsetBy: prefix.count)..<end.lowerBound])
        .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
      if directories {
        return CommandResult(exitStatus: 0, stdout: Array("\(mode) \(owner) \(group) 4096 directory\n".utf8))
      }
      guard let bytes = self.file(host, path) else { return CommandResult(exitStatus: 3) }
      let head = Array("\(mode) \(owner) \(group) \(bytes.count) regular file\n".utf8)
      return CommandResult(exitStatus: 0, stdout: line.contains("exec cat") ? head + bytes : head)
    }
  }

  public func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost {
    if locked({ unreachable.contains(endpoint.id) }) {
      throw RemoteError(.connectionRefused, host: endpoint.id, "connection refused by \(endpoint.address):\(endpoint.port)")
    }
    return FakeHost(id: endpoint.id, transport: self)
  }

  func locked<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }

  func begin(_ host: HostID, _ what: String) {
    locked {
      log.append((host, what))
      active.insert(host)
      maxActive = max(maxActive, active.count)
    }
  }
  func end(_ host: HostID) { _ = locked { active.remove(host) } }

  func reply(_ host: HostID, _ command: RemoteCommand) -> CommandResult {
    let responders = locked { self.responders }
    for r in responders.reversed() { if let result = r(host, command) { return result } }
    return CommandResult(exitStatus: 0)
  }
}

struct FakeHost: RemoteHost {
  let id: HostID
  let transport: FakeTransport

  func run(_ command: RemoteCommand) async throws -> CommandResult {
    transport.begin(id, "run \(command.line)")
    defer { transport.end(id) }
    if transport.commandDelay > .zero { try await Task.sleep(for: transport.commandDelay) }
    return transport.reply(id, command)
  }

  func readFile(_ path: String) async throws -> [UInt8]? {
    transport.begin(id, "read \(path)")
    defer { transport.end(id) }
    return transport.file(id, path)
  }

  func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws {
    transport.begin(id, "write \(path)")
    defer { transport.end(id) }
    if transport.commandDelay > .zero { try await Task.sleep(for: transport.commandDelay) }
    transport.setFile(id, path, contents)
  }

  func close() async {}
}

extension RemoteCommand {
  /// The command as a shell line: the script itself for `sh -c SCRIPT` (how probes run), else the
  /// quoted argv. Fakes match and log commands by it.
  public var line: String { argv.count == 3 && argv[0] == "sh" && argv[1] == "-c" ? argv[2] : commandLine }
}
