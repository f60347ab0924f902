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
  /// termination handler, and each pipe is read to its end on a thread of its own. Not with
  /// `readabilityHandler`: clearing it cancels a dispatch source that may still be registered when
  /// the pipe is closed, and libdispatch then reads freed memory (a crash `--verify` hit every run
  /// once freed memory was reused sooner, with one malloc arena).
  func runProcess(_ argv: [String], stdin: [UInt8]?, timeoutSeconds: Int?) async throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = argv
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    // Read from the start, so a child that writes more than a pipe holds is never stuck.
    async let o = Self.readToEnd(out.fileHandleForReading)
    async let e = Self.readToEnd(err.fileHandleForReading)
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { p in continuation.resume(returning: p.terminationStatus) }
      do {
        try process.run()
      } catch {
        // No child holds the write ends, so closing them here ends the reads.
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
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
    return CommandResult(exitStatus: status, stdout: await o, stderr: await e)
  }

  /// Everything `handle` gives until its end, read by a thread of its own so the blocking read
  /// never holds one of the cooperative pool's threads.
  private static func readToEnd(_ handle: FileHandle) async -> [UInt8] {
    await withCheckedContinuation { continuation in
      Thread.detachNewThread { continuation.resume(returning: [UInt8](handle.readDataToEndOfFile())) }
    }
  }
}
