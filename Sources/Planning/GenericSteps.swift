import Crypto
import Foundation
import Remote
import Support

func modeString(_ m: UInt32) -> String { "0" + String(m, radix: 8) }

struct FileStep: Step {
  let id: String, host: HostID, summary: String
  let path: String, content: [UInt8], mode: UInt32, owner: String, group: String

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    guard let (s, current) = try await remote.statusAndContent(path, content: true) else {
      return .needsChange(Change(.create, "\(path) is absent"))
    }
    var diffs: [String] = []
    if current != content { diffs.append("content differs") }
    if s.mode & 0o7777 != mode { diffs.append("mode \(modeString(s.mode)) -> \(modeString(mode))") }
    if s.owner != owner || s.group != group { diffs.append("owner \(s.owner):\(s.group) -> \(owner):\(group)") }
    return diffs.isEmpty ? .satisfied("\(path) is up to date") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    try await remote.writeFile(path, contents: content, mode: mode, owner: owner, group: group)
  }
}

struct DirectoryStep: Step {
  let id: String, host: HostID, summary: String
  let path: String, mode: UInt32, owner: String, group: String

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    guard let s = try await remote.status(path) else { return .needsChange(Change(.create, "\(path) is absent")) }
    var diffs: [String] = []
    if !s.isDirectory { diffs.append("\(path) is not a directory") }
    if s.mode & 0o7777 != mode { diffs.append("mode \(modeString(s.mode)) -> \(modeString(mode))") }
    if s.owner != owner || s.group != group { diffs.append("owner \(s.owner):\(s.group) -> \(owner):\(group)") }
    return diffs.isEmpty ? .satisfied("\(path) exists") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    let script = "mkdir -p -- \"$1\" && chmod \"$2\" -- \"$1\" && chown \"$3\" -- \"$1\""
    _ = try await remote.mustRun(["sh", "-c", script, "sh", path, modeString(mode), "\(owner):\(group)"], "create \(path)")
  }
}

struct UserStep: Step {
  let id: String, host: HostID, summary: String
  let name: String, home: String

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    let r = try await remote.run(RemoteCommand(["getent", "passwd", name]))
    return r.succeeded ? .satisfied("user \(name) exists") : .needsChange(Change(.create, "user \(name) is absent"))
  }

  func apply(on remote: any RemoteHost) async throws {
    _ = try await remote.mustRun(
      ["useradd", "--system", "--home-dir", home, "--no-create-home", "--shell", "/usr/sbin/nologin", name],
      "create user \(name)")
  }
}

struct SysctlStep: Step {
  let id: String, host: HostID, summary: String
  let settings: [String: String], file: String

  var fileContent: [UInt8] {
    Array(("# Managed by Bulwark.\n" + settings.keys.sorted().map { "\($0) = \(settings[$0]!)\n" }.joined()).utf8)
  }

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    var diffs: [String] = []
    for key in settings.keys.sorted() {
      let r = try await remote.run(RemoteCommand(["sysctl", "-n", key]))
      let current = r.stdoutText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      if current != settings[key]! { diffs.append("\(key) \(r.succeeded ? current : "absent") -> \(settings[key]!)") }
    }
    if try await remote.readFile(file) != fileContent { diffs.append("\(file) not persisted") }
    return diffs.isEmpty ? .satisfied("kernel parameters set") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    try await remote.writeFile(file, contents: fileContent, mode: 0o644, owner: "root", group: "root")
    _ = try await remote.mustRun(["sysctl", "-p", file], "apply \(file)")
  }
}

struct SystemdUnitStep: Step {
  let id: String, host: HostID, summary: String
  let name: String, content: String, enabled: Bool, running: Bool
  var path: String { "/etc/systemd/system/\(name)" }

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    var diffs: [String] = []
    if try await remote.readFile(path) != Array(content.utf8) { diffs.append("unit file differs") }
    let e = try await remote.run(RemoteCommand(["systemctl", "is-enabled", name])).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    if (e == "enabled") != enabled { diffs.append("\(e.isEmpty ? "unknown" : e) -> \(enabled ? "enabled" : "disabled")") }
    let a = try await remote.run(RemoteCommand(["systemctl", "is-active", name])).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    if (a == "active") != running { diffs.append("\(a.isEmpty ? "unknown" : a) -> \(running ? "active" : "inactive")") }
    return diffs.isEmpty ? .satisfied("\(name) is in the desired state") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    let changed = try await remote.readFile(path) != Array(content.utf8)
    if changed {
      try await remote.writeFile(path, contents: Array(content.utf8), mode: 0o644, owner: "root", group: "root")
      _ = try await remote.mustRun(["systemctl", "daemon-reload"], "reload systemd")
    }
    _ = try await remote.mustRun(["systemctl", enabled ? "enable" : "disable", name], "enable \(name)")
    if running {
      _ = try await remote.mustRun(["systemctl", changed ? "restart" : "start", name], "start \(name)")
    } else {
      _ = try await remote.mustRun(["systemctl", "stop", name], "stop \(name)")
    }
  }
}

struct CommandStep: Step {
  let id: String, host: HostID, summary: String
  let argv: [String], unless: [String]

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    let r = try await remote.run(RemoteCommand(unless))
    return r.succeeded
      ? .satisfied("`\(ShellQuoting.commandLine(unless))` succeeded")
      : .needsChange(Change(.run, "`\(ShellQuoting.commandLine(unless))` exited \(r.exitStatus)"))
  }

  func apply(on remote: any RemoteHost) async throws {
    _ = try await remote.mustRun(argv, "run \(argv.first ?? "")")
  }
}

struct UploadStep: Step {
  let id: String, host: HostID, summary: String
  let source: String, path: String, sha256: String?, mode: UInt32, owner: String, group: String

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    // One round trip: mode, owner and group, then the digest.
    let script = "stat -c '%a %U %G' -- \"$1\" || exit 3; sha256sum -- \"$1\""
    let r = try await remote.run(RemoteCommand(["sh", "-c", script, "sh", path]))
    guard r.succeeded else { return .needsChange(Change(.create, "\(path) is absent")) }
    let lines = r.stdoutText.split(separator: "\n")
    let f = lines.first?.split(separator: " ").map(String.init) ?? []
    guard lines.count == 2, f.count == 3, let current = UInt32(f[0], radix: 8) else {
      throw StepError(.unexpectedOutput, "cannot parse stat and sha256sum output for \(path): \(r.stdoutText)")
    }
    let digest = lines[1].split(separator: " ").first.map(String.init) ?? ""
    var diffs: [String] = []
    if digest != (try expectedDigest()) { diffs.append("sha256 \(digest.prefix(12))… differs") }
    if current != mode { diffs.append("mode \(modeString(current)) -> \(modeString(mode))") }
    if f[1] != owner || f[2] != group { diffs.append("owner \(f[1]):\(f[2]) -> \(owner):\(group)") }
    return diffs.isEmpty ? .satisfied("\(path) is up to date") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    // The local file must still be the one the plan names: an artifact is never uploaded unverified.
    let expected = try expectedDigest()
    let actual = try LocalDigest.sha256(ofFile: source)
    guard actual == expected else {
      throw StepError(.localFile, "\(source) has sha256 \(actual), but \(expected) was expected; refusing to upload it")
    }
    try await remote.uploadFile(source, to: path, mode: mode, owner: owner, group: group)
  }

  private func expectedDigest() throws -> String {
    if let sha256 { return sha256 }
    throw StepError(.localFile, "no sha256 is known for \(source) (absent when planned); plan again")
  }
}

/// Brings a file made on the host (a snapshot) to the controller.
struct FetchStep: Step {
  let id: String, host: HostID, summary: String
  let argv: [String], remotePath: String, localPath: String

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    FileManager.default.fileExists(atPath: localPath)
      ? .satisfied("\(localPath) exists") : .needsChange(Change(.run, "\(localPath) is not taken yet"))
  }

  func apply(on remote: any RemoteHost) async throws {
    _ = try await remote.mustRun(argv, "make \(remotePath)")
    guard let bytes = try await remote.readFile(remotePath) else {
      throw StepError(.unexpectedOutput, "\(remotePath) is missing after `\(argv.first ?? "")` succeeded")
    }
    let directory = (localPath as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      let temporary = localPath + ".partial"
      guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
        throw StepError(.localFile, "cannot write \(temporary)")
      }
      try FileManager.default.moveItem(atPath: temporary, toPath: localPath)
    } catch let e as StepError {
      throw e
    } catch {
      throw StepError(.localFile, "cannot store \(localPath): \(error.localizedDescription)")
    }
    _ = try await remote.mustRun(["rm", "-f", "--", remotePath], "remove \(remotePath)")
  }
}

/// Polls a read-only command until it succeeds: health gates.
struct WaitStep: Step {
  let id: String, host: HostID, summary: String
  let argv: [String], timeout: Duration

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    let r = try await remote.run(RemoteCommand(argv))
    return r.succeeded
      ? .satisfied(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
      : .needsChange(Change(.check, "not yet: \(Self.lastLine(r.stderrTail.isEmpty ? r.stdoutText : r.stderrTail))"))
  }

  func apply(on remote: any RemoteHost) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var last = CommandResult(exitStatus: 1, stdout: [], stderr: [])
    while clock.now < deadline {
      last = try await remote.run(RemoteCommand(argv))
      if last.succeeded { return }
      try await Task.sleep(for: .seconds(1))
    }
    let output = last.stderrTail.isEmpty ? last.stdoutText : last.stderrTail
    throw StepError(.timedOut, "still failing after \(timeout): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
  }

  /// The last non-empty line, at most 200 characters: enough to say why, short enough for a plan line.
  static func lastLine(_ text: String) -> String {
    let line = text.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } ?? ""
    return line.count > 200 ? String(line.prefix(200)) + "…" : String(line)
  }
}

/// The sha256 of a local file, read in 1 MiB chunks.
public enum LocalDigest {
  public static func sha256(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw StepError(.localFile, "cannot read \(path)") }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }
}

/// Plans, but refuses to run: its implementation is not part of this build.
struct PendingStep: Step {
  let id: String, host: HostID, summary: String
  let description: String

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    throw StepError(.notImplemented, "\(description): this step kind is planned but not implemented in this build")
  }

  func apply(on remote: any RemoteHost) async throws {
    throw StepError(.notImplemented, "\(description): this step kind is planned but not implemented in this build")
  }
}

/// A join point; the executor completes it without touching a host.
struct BarrierStep: Step {
  let id: String, host: HostID, summary: String
  func check(on remote: any RemoteHost) async throws -> CheckResult { .satisfied("barrier") }
  func apply(on remote: any RemoteHost) async throws {}
}
