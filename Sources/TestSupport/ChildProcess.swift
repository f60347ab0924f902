import Foundation

/// Runs a program for a test and awaits its exit through the termination handler, so no thread of
/// Swift's cooperative pool blocks on it. Output goes to files (no pipe can fill up), read once the
/// program has exited.
public enum ChildProcess {
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// stdout then stderr, for messages.
    public var output: String { stdout + stderr }
  }

  public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> Result {
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
