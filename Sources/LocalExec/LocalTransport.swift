import Foundation
import Remote
import Support

/// Runs commands on this machine. Used by tests, and as the reference implementation of `RemoteHost`.
public struct LocalTransport: Transport {
  public init() {}

  public func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost {
    LocalHost(id: endpoint.id)
  }
}

public struct LocalHost: RemoteHost {
  public let id: HostID

  public init(id: HostID) { self.id = id }

  public func run(_ command: RemoteCommand) async throws -> CommandResult {
    try await runProcess(command.argv, stdin: command.stdin, timeoutSeconds: command.timeoutSeconds)
  }

  public func readFile(_ path: String) async throws -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
  }

  public func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws {
    let target = path
    let temp = target + ".bulwark-tmp"
    guard FileManager.default.createFile(atPath: temp, contents: Data(contents)) else {
      throw RemoteError(.transferFailure, host: id, "cannot write \(temp)")
    }
    guard chmod(temp, mode_t(mode)) == 0 else {
      throw RemoteError(.transferFailure, host: id, "cannot chmod \(temp): \(String(cString: strerror(errno)))")
    }
    if getuid() == 0 {
      let chown = try await runProcess(["chown", "\(owner):\(group)", temp], stdin: nil, timeoutSeconds: 30)
      guard chown.succeeded else { throw RemoteError(.transferFailure, host: id, "chown failed: \(chown.stderrTail)") }
    }
    guard rename(temp, target) == 0 else {
      throw RemoteError(.transferFailure, host: id, "cannot rename onto \(target): \(String(cString: strerror(errno)))")
    }
  }

  public func close() async {}

  /// Runs a process without blocking the cooperative pool: completion arrives through the
  /// termination handler, and pipes are drained on Foundation's own threads.
  func runProcess(_ argv: [String], stdin: [UInt8]?, timeoutSeconds: Int?) async throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = argv
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    let collected = OutputCollector()
    out.fileHandleForReading.readabilityHandler = { h in collected.append(h.availableData, stderr: false) }
    err.fileHandleForReading.readabilityHandler = { h in collected.append(h.availableData, stderr: true) }
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { p in continuation.resume(returning: p.terminationStatus) }
      do {
        try process.run()
      } catch {
        continuation.resume(throwing: RemoteError(.channelFailure, host: id, "cannot start \(argv.first ?? ""): \(error)"))
        return
      }
      if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
      try? input.fileHandleForWriting.close()
      if let timeoutSeconds {
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds)) {
          if process.isRunning { process.terminate() }
        }
      }
    }
    out.fileHandleForReading.readabilityHandler = nil
    err.fileHandleForReading.readabilityHandler = nil
    collected.append(out.fileHandleForReading.readDataToEndOfFile(), stderr: false)
    collected.append(err.fileHandleForReading.readDataToEndOfFile(), stderr: true)
    let (o, e) = collected.take()
    return CommandResult(exitStatus: status, stdout: o, stderr: e)
  }
}

final class OutputCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var out: [UInt8] = [], err: [UInt8] = []
  func append(_ data: Data, stderr: Bool) {
    lock.lock()
    defer { lock.unlock() }
    if stderr { err += data } else { out += data }
  }
  func take() -> ([UInt8], [UInt8]) {
    lock.lock()
    defer { lock.unlock() }
    return (out, err)
  }
}
