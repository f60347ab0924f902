import Crypto
import Foundation
import Planning
import Remote
import Support

/// What a probe printed, and how it exited.
public struct ProbeOutput: Sendable, Equatable {
  public var status: Int32
  public var stdout: [UInt8]
  public init(status: Int32, stdout: [UInt8]) {
    self.status = status
    self.stdout = stdout
  }
  public var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// A step whose check is one read-only shell fragment and a pure evaluation of what it printed. A
/// check is then one round trip, many checks can share one (drift probes a host once), and each
/// evaluation is testable without a host.
public protocol ProbedStep: Step {
  /// Read-only shell. Its stdout and exit status are what `evaluate` reads.
  var probe: String { get }
  func evaluate(_ output: ProbeOutput) throws -> CheckResult
  /// For steps that own a file's content: the path, what the host has, and what it should have.
  func contents(_ output: ProbeOutput) -> FileContents?
}

/// A managed file's content on the host and as desired, for diffs.
public struct FileContents: Sendable {
  public var path: String
  public var current: [UInt8]
  public var desired: [UInt8]
}

extension FileContents {
  /// A unified diff for text; for binaries, the two hashes.
  public func describedDifference(host: String) -> String {
    let text = { (b: [UInt8]) -> String? in b.contains(0) ? nil : String(validating: b, as: UTF8.self) }
    if let old = text(current), let new = text(desired) {
      return UnifiedDiff.make(from: old, to: new, oldName: "\(host):\(path)", newName: "desired \(path)")
    }
    let hash = { (b: [UInt8]) in hexString(SHA256.hash(data: b)) }
    return "binary: sha256 \(hash(current)) on the host, \(hash(desired)) desired"
  }
}

extension ProbedStep {
  public func contents(_ output: ProbeOutput) -> FileContents? { nil }

  public func check(on remote: any RemoteHost) async throws -> CheckResult {
    let r = try await remote.run(RemoteCommand(["sh", "-c", probe]))
    return try evaluate(ProbeOutput(status: r.exitStatus, stdout: r.stdout))
  }
}

/// Many probes in one script: each result is one line, `@@ INDEX STATUS BASE64-OF-STDOUT`.
public enum ProbeBatch {
  public static func script(_ probes: [String]) -> String {
    var lines = ["t=$(mktemp) || exit 1", "trap 'rm -f \"$t\"' EXIT"]
    for (i, probe) in probes.enumerated() {
      lines.append("( \(probe)\n) >\"$t\" 2>/dev/null </dev/null; echo \"@@ \(i) $? $(base64 -w0 < \"$t\")\"")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The outputs by index; a probe whose line is missing (the script was cut short) is nil.
  public static func parse(_ output: String, count: Int) -> [ProbeOutput?] {
    var results = [ProbeOutput?](repeating: nil, count: count)
    for line in output.split(separator: "\n") where line.hasPrefix("@@ ") {
      let f = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
      guard f.count >= 3, let i = Int(f[1]), i < count, let status = Int32(f[2]) else { continue }
      let encoded = f.count == 4 ? String(f[3]) : ""
      results[i] = ProbeOutput(status: status, stdout: Data(base64Encoded: encoded).map { Array($0) } ?? [])
    }
    return results
  }
}

/// `stat -c '%a %U %G %s %F'`, as file probes print it first.
enum StatLine {
  static func command(_ path: String) -> String { "stat -c '%a %U %G %s %F' -- \(ShellQuoting.quote(path)) || exit 3" }

  /// The status and whatever follows the stat line.
  static func parse(_ bytes: [UInt8], path: String) throws -> (status: FileStatus, rest: [UInt8]) {
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    let f = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ", maxSplits: 4).map(String.init)
    guard f.count == 5, let mode = UInt32(f[0], radix: 8), let size = Int(f[3]) else {
      throw StepError(.unexpectedOutput, "cannot parse stat output for \(path): \(String(decoding: bytes.prefix(200), as: UTF8.self))")
    }
    let rest = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []
    return (FileStatus(mode: mode, owner: f[1], group: f[2], size: size, isDirectory: f[4].hasPrefix("directory")), rest)
  }

  static func differences(_ s: FileStatus, mode: UInt32, owner: String, group: String) -> [String] {
    var diffs: [String] = []
    if s.mode & 0o7777 != mode { diffs.append("mode \(modeText(s.mode)) -> \(modeText(mode))") }
    if s.owner != owner || s.group != group { diffs.append("owner \(s.owner):\(s.group) -> \(owner):\(group)") }
    return diffs
  }
}

/// Splits off the first `n` lines.
func leadingLines(_ bytes: [UInt8], _ n: Int) -> (lines: [String], rest: [UInt8]) {
  var lines: [String] = [], start = bytes.startIndex
  for _ in 0..<n {
    let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
    lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
    start = end < bytes.endIndex ? end + 1 : end
  }
  return (lines, Array(bytes[start...]))
}
