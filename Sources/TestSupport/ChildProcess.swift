import Foundation

/// Runs a program for a test and awaits its exit through the termination handler, so no thread of
/// Swift's cooperative pool blocks on it. Output goes to files (no pipe can fill up), read once the
/// program has exited.
///
/// A fake command a test has just written may still be open for writing in a child that a parallel
/// test is spawning (see ``FakeCommand``), so exec'ing it can fail with ETXTBSY ("Text file
/// busy"): such a run is made again, a few times.
public enum ChildProcess {
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// stdout then stderr, for messages.
    public var output: String { stdout + stderr }
  }

  public static func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil
  ) async throws -> Result {
    for _ in 0..<4 {
      let result = try await runOnce(executable, arguments, in: directory, environment: environment)
      guard result.stderr.contains("Text file busy") else { return result }
      try await Task.sleep(for: .milliseconds(50))
    }
    return try await runOnce(executable, arguments, in: directory, environment: environment)
  }

  private static func runOnce(
    _ executable: String, _ arguments: [String], in directory: String?, environment: [String: String]?
  ) async throws -> Result {
    let scratch = NSTemporaryDirectory() + "bulwark-child-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let out = scratch + "/stdout", err = scratch + "/stderr"
    FileManager.default.createFile(atPath: out, contents: nil)
    FileManager.default.createFile(atPath: err, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { p.environment = environment }
    p.standardInput = FileHandle.nullDevice
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    p.standardOutput = outHandle
    p.standardError = errHandle
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      p.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
      do { try p.run() } catch { continuation.resume(throwing: error) }
    }
    try outHandle.close()
    try errHandle.close()
    func read(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
    return Result(status: status, stdout: read(out), stderr: read(err))
  }
}
