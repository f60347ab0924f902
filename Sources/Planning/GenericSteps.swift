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

/// Kernel parameters, persisted and applied. A parameter this host cannot write (a container on a
/// shared kernel: `kernel.*`, `vm.*`, `fs.*`) is reported as not settable, never as a failure.
struct SysctlStep: Step {
  let id: String, host: HostID, summary: String
  let settings: [String: String], file: String

  var fileContent: [UInt8] {
    Array(("# Managed by Bulwark.\n" + settings.keys.sorted().map { "\($0) = \(settings[$0]!)\n" }.joined()).utf8)
  }

  /// `key value rw|ro` per parameter, in one round trip.
  func current(on remote: any RemoteHost) async throws -> [(key: String, value: String, writable: Bool)] {
    let script = """
      for k in "$@"; do
        f=/proc/sys/$(echo "$k" | tr . /)
        v=$(cat "$f" 2>/dev/null | tr '\t' ' ') || v=absent
        if [ -w "$f" ]; then w=rw; else w=ro; fi
        echo "$k|$w|$v"
      done
      """
    let r = try await remote.run(RemoteCommand(["sh", "-c", script, "sh"] + settings.keys.sorted()))
    return r.stdoutText.split(separator: "\n").compactMap { line in
      let f = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
      return f.count == 3 ? (f[0], f[2].split(whereSeparator: \.isWhitespace).joined(separator: " "), f[1] == "rw") : nil
    }
  }

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    var diffs: [String] = [], readOnly: [String] = []
    for p in try await current(on: remote) where p.value != settings[p.key] {
      if p.writable { diffs.append("\(p.key) \(p.value) -> \(settings[p.key]!)") } else { readOnly.append(p.key) }
    }
    if try await remote.readFile(file) != fileContent { diffs.append("\(file) not persisted") }
    let note = readOnly.isEmpty ? "" : "; not settable on this host (shared kernel): \(readOnly.joined(separator: ", "))"
    return diffs.isEmpty ? .satisfied("kernel parameters set\(note)") : .needsChange(Change(.update, diffs.joined(separator: ", ") + note))
  }

  func apply(on remote: any RemoteHost) async throws {
    try await remote.writeFile(file, contents: fileContent, mode: 0o644, owner: "root", group: "root")
    for p in try await current(on: remote) where p.writable && p.value != settings[p.key] {
      _ = try await remote.mustRun(["sysctl", "-w", "\(p.key)=\(settings[p.key]!)"], "set \(p.key)")
    }
  }
}

/// A configuration that decides how the host is reached: kept only if a new connection gets in.
struct GuardedConfigStep: Step {
  let id: String, host: HostID, summary: String
  let path: String, content: [UInt8], mode: UInt32
  let validate: [String], activate: [String], deactivate: [String], liveCheck: [String]

  func check(on remote: any RemoteHost) async throws -> CheckResult {
    guard let (s, current) = try await remote.statusAndContent(path, content: true) else {
      return .needsChange(Change(.create, "\(path) is absent"))
    }
    var diffs: [String] = []
    if current != content { diffs.append("content differs") }
    if s.mode & 0o7777 != mode || s.owner != "root" || s.group != "root" {
      diffs.append("mode/owner \(modeString(s.mode)) \(s.owner):\(s.group) -> \(modeString(mode)) root:root")
    }
    if !liveCheck.isEmpty, !(try await remote.run(RemoteCommand(liveCheck))).succeeded { diffs.append("not in effect") }
    return diffs.isEmpty ? .satisfied("\(path) is in effect") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    let previous = try await remote.readFile(path)
    try await remote.writeFile(path, contents: content, mode: mode, owner: "root", group: "root")
    func restore(_ why: String) async throws -> Never {
      if let previous {
        try await remote.writeFile(path, contents: previous, mode: mode, owner: "root", group: "root")
        _ = try? await remote.run(RemoteCommand(activate))
      } else {
        _ = try? await remote.run(RemoteCommand(["rm", "-f", "--", path]))
        _ = try? await remote.run(RemoteCommand(deactivate))
      }
      throw StepError(.rolledBack, "\(why); \(path) was put back as it was")
    }
    let checked = try await remote.run(RemoteCommand(validate))
    if !checked.succeeded { try await restore("`\(ShellQuoting.commandLine(validate))` rejected the new \(path): \(checked.stderrTail)") }
    let activated = try await remote.run(RemoteCommand(activate))
    if !activated.succeeded { try await restore("`\(ShellQuoting.commandLine(activate))` failed: \(activated.stderrTail)") }
    // A reloaded sshd re-executes itself and may refuse connections for a moment: try for 10 s.
    var lastError: (any Error)?
    for attempt in 0..<20 {
      if attempt > 0 { try await Task.sleep(for: .milliseconds(500)) }
      do {
        try await remote.verifyNewConnection()
        return
      } catch {
        lastError = error
      }
    }
    try await restore("a new connection failed after the change (\(lastError.map { "\($0)" } ?? "no answer"))")
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
    // Long check scripts are named by their step, not printed.
    let line = ShellQuoting.commandLine(unless)
    let shown = line.count <= 100 ? "`\(line)`" : "its check"
    return r.succeeded
      ? .satisfied("\(shown) succeeded")
      : .needsChange(Change(.run, "\(shown) exited \(r.exitStatus)"))
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
