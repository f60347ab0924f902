import Crypto
import Foundation
import Planning
import Remote
import Support


struct FileStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let path: String, content: [UInt8], mode: UInt32, owner: String, group: String

  var probe: String { "\(StatLine.command(path)); exec cat -- \(ShellQuoting.quote(path))" }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    guard output.status != 3 else { return .needsChange(Change(.create, "\(path) is absent")) }
    let (s, current) = try StatLine.parse(output.stdout, path: path)
    var diffs = StatLine.differences(s, mode: mode, owner: owner, group: group)
    if current != content { diffs.insert("content differs", at: 0) }
    return diffs.isEmpty ? .satisfied("\(path) is up to date") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func contents(_ output: ProbeOutput) -> FileContents? {
    guard output.status == 0, let rest = try? StatLine.parse(output.stdout, path: path).rest else { return nil }
    return FileContents(path: path, current: rest, desired: content)
  }

  func apply(on remote: any RemoteHost) async throws {
    try await remote.writeFile(path, contents: content, mode: mode, owner: owner, group: group)
  }
}

struct DirectoryStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let path: String, mode: UInt32, owner: String, group: String

  var probe: String { StatLine.command(path) }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    guard output.status != 3 else { return .needsChange(Change(.create, "\(path) is absent")) }
    let s = try StatLine.parse(output.stdout, path: path).status
    var diffs = StatLine.differences(s, mode: mode, owner: owner, group: group)
    if !s.isDirectory { diffs.insert("\(path) is not a directory", at: 0) }
    return diffs.isEmpty ? .satisfied("\(path) exists") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func apply(on remote: any RemoteHost) async throws {
    let script = "mkdir -p -- \"$1\" && chmod \"$2\" -- \"$1\" && chown \"$3\" -- \"$1\""
    _ = try await remote.mustRun(["sh", "-c", script, "sh", path, modeText(mode), "\(owner):\(group)"], "create \(path)")
  }
}

struct UserStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let name: String, home: String

  var probe: String { "getent passwd \(ShellQuoting.quote(name))" }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    output.status == 0 ? .satisfied("user \(name) exists") : .needsChange(Change(.create, "user \(name) is absent"))
  }

  func apply(on remote: any RemoteHost) async throws {
    _ = try await remote.mustRun(
      ["useradd", "--system", "--home-dir", home, "--no-create-home", "--shell", "/usr/sbin/nologin", name],
      "create user \(name)")
  }
}

/// Kernel parameters, persisted and applied. A parameter this host cannot write (a container on a
/// shared kernel: `kernel.*`, `vm.*`, `fs.*`) is reported as not settable, never as a failure.
struct SysctlStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let settings: [String: String], file: String

  var fileContent: [UInt8] {
    Array(("# Managed by Bulwark.\n" + settings.keys.sorted().map { "\($0) = \(settings[$0]!)\n" }.joined()).utf8)
  }

  /// `key|rw-or-ro|value` per parameter, then the persisted file. One `cat` per key and nothing
  /// else forked: a sysctl file must be read in one go (an integer vector read from an offset
  /// reads as empty), so the shell's own `read` will not do.
  var probe: String {
    let keys = settings.keys.sorted()
    let lines = keys.map { "p \(ShellQuoting.quote($0)) \(ShellQuoting.quote("/proc/sys/" + $0.replacingOccurrences(of: ".", with: "/")))" }
    return """
      p() { v=$(cat -- "$2" 2>/dev/null) || v=absent; if [ -w "$2" ]; then w=rw; else w=ro; fi; echo "$1|$w|$v"; }
      \(lines.joined(separator: "\n"))
      cat -- \(ShellQuoting.quote(file)) 2>/dev/null
      """
  }

  func parameters(_ output: ProbeOutput) -> (values: [(key: String, value: String, writable: Bool)], file: [UInt8]) {
    let (lines, rest) = leadingLines(output.stdout, settings.count)
    let values: [(key: String, value: String, writable: Bool)] = lines.compactMap { line in
      let f = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
      return f.count == 3 ? (f[0], f[2].split(whereSeparator: \.isWhitespace).joined(separator: " "), f[1] == "rw") : nil
    }
    return (values, rest)
  }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    var diffs: [String] = [], readOnly: [String] = []
    let (values, persisted) = parameters(output)
    for p in values where p.value != settings[p.key] {
      if p.writable { diffs.append("\(p.key) \(p.value) -> \(settings[p.key]!)") } else { readOnly.append(p.key) }
    }
    if let difference = persistedDifference(persisted) { diffs.append(difference) }
    let note = readOnly.isEmpty ? "" : "; not settable on this host (shared kernel): \(readOnly.joined(separator: ", "))"
    return diffs.isEmpty ? .satisfied("kernel parameters set\(note)") : .needsChange(Change(.update, diffs.joined(separator: ", ") + note))
  }

  /// How `file` as the host has it differs from Bulwark's, in words; nil when it is exactly Bulwark's.
  func persistedDifference(_ persisted: [UInt8]) -> String? {
    guard persisted != fileContent else { return nil }
    guard !persisted.isEmpty else { return "\(file) is not written yet" }
    var found: [String: String] = [:]
    for line in String(decoding: persisted, as: UTF8.self).split(separator: "\n") {
      let text = line.trimmingCharacters(in: .whitespaces)
      guard !text.hasPrefix("#"), !text.hasPrefix(";"), let eq = text.firstIndex(of: "=") else { continue }
      found[text[..<eq].trimmingCharacters(in: .whitespaces)] = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
    }
    var words: [String] = []
    for key in settings.keys.sorted() {
      switch found[key] {
      case nil: words.append("\(key) missing")
      case let value? where value != settings[key]: words.append("\(key) = \(CheckReport.shown(value)), wants \(settings[key]!)")
      default: break
      }
    }
    let others = found.keys.filter { settings[$0] == nil }.sorted()
    if !others.isEmpty { words.append("also sets \(others.map(CheckReport.shown).joined(separator: ", "))") }
    return "\(file): " + (words.isEmpty ? "other comments or layout than Bulwark's" : words.joined(separator: "; "))
  }

  func apply(on remote: any RemoteHost) async throws {
    try await remote.writeFile(file, contents: fileContent, mode: 0o644, owner: "root", group: "root")
    let r = try await remote.run(RemoteCommand(["sh", "-c", probe]))
    let differing = parameters(ProbeOutput(status: r.exitStatus, stdout: r.stdout)).values.filter { $0.writable && $0.value != settings[$0.key] }
    guard !differing.isEmpty else { return }
    // One command for every parameter that differs (sysctl sets each and fails if any fails).
    _ = try await remote.mustRun(["sysctl", "-w"] + differing.map { "\($0.key)=\(settings[$0.key]!)" },
      "set \(differing.map(\.key).joined(separator: ", "))")
  }
}

/// A configuration that decides how the host is reached: kept only if a new connection gets in.
struct GuardedConfigStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let path: String, content: [UInt8], mode: UInt32
  let validate: [String], activate: [String], deactivate: [String], liveCheck: [String]

  /// The live check's status, then the stat line, then the file.
  var probe: String {
    let live = liveCheck.isEmpty ? "echo 0" : "( \(ShellQuoting.commandLine(liveCheck)) ) >/dev/null 2>&1; echo $?"
    return "live=$( \(live) ); \(StatLine.command(path)); echo \"$live\"; exec cat -- \(ShellQuoting.quote(path))"
  }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    guard output.status != 3 else { return .needsChange(Change(.create, "\(path) is absent")) }
    let (s, rest) = try StatLine.parse(output.stdout, path: path)
    let (live, current) = leadingLines(rest, 1)
    var diffs = StatLine.differences(s, mode: mode, owner: "root", group: "root")
    if current != content { diffs.insert("content differs", at: 0) }
    if live.first != "0" { diffs.append("not in effect") }
    return diffs.isEmpty ? .satisfied("\(path) is in effect") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func contents(_ output: ProbeOutput) -> FileContents? {
    guard output.status == 0, let rest = try? StatLine.parse(output.stdout, path: path).rest else { return nil }
    return FileContents(path: path, current: leadingLines(rest, 1).rest, desired: content)
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

struct SystemdUnitStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let name: String, content: String, enabled: Bool, running: Bool
  var path: String { SystemdUnitActivation.path(of: name) }

  /// is-enabled, is-active, then the unit file.
  var probe: String {
    let unit = ShellQuoting.quote(name)
    return "echo \"$(systemctl is-enabled \(unit) 2>/dev/null)\"; echo \"$(systemctl is-active \(unit) 2>/dev/null)\"; cat -- \(ShellQuoting.quote(path)) 2>/dev/null"
  }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    let (states, file) = leadingLines(output.stdout, 2)
    var diffs: [String] = []
    if file != Array(content.utf8) { diffs.append("unit file differs") }
    let e = states[0], a = states[1]
    if (e == "enabled") != enabled { diffs.append("\(e.isEmpty ? "unknown" : e) -> \(enabled ? "enabled" : "disabled")") }
    if (a == "active") != running { diffs.append("\(a.isEmpty ? "unknown" : a) -> \(running ? "active" : "inactive")") }
    return diffs.isEmpty ? .satisfied("\(name) is in the desired state") : .needsChange(Change(.update, diffs.joined(separator: ", ")))
  }

  func contents(_ output: ProbeOutput) -> FileContents? {
    FileContents(path: path, current: leadingLines(output.stdout, 2).rest, desired: Array(content.utf8))
  }

  /// The unit file written when it differs, then one command: enabled or disabled, systemd
  /// reloaded once (`enable` and `disable` reload by themselves unless told not to, so a changed
  /// file is reloaded explicitly after `--no-reload`), started, restarted or stopped.
  func apply(on remote: any RemoteHost) async throws {
    let changed = try await remote.readFile(path) != Array(content.utf8)
    if changed {
      try await remote.writeFile(path, contents: Array(content.utf8), mode: 0o644, owner: "root", group: "root")
    }
    _ = try await remote.mustRun(SystemdUnitActivation.argv(name, enabled: enabled, running: running, changed: changed),
      "\(enabled ? "enable" : "disable") and \(running ? "start" : "stop") \(name)")
  }
}

/// The one command that puts a unit in its enabled and running state once its file is written.
public enum SystemdUnitActivation {
  /// Where Bulwark writes a unit's file.
  public static func path(of name: String) -> String { "/etc/systemd/system/\(name)" }

  public static func argv(_ name: String, enabled: Bool, running: Bool, changed: Bool) -> [String] {
    let state = running ? (changed ? "restart" : "start") : "stop"
    let script = changed
      ? "systemctl \"$2\" --no-reload -- \"$1\" && systemctl daemon-reload && systemctl \"$3\" -- \"$1\""
      : "systemctl \"$2\" -- \"$1\" && systemctl \"$3\" -- \"$1\""
    return ["sh", "-c", script, "sh", name, enabled ? "enable" : "disable", state]
  }
}

struct CommandStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let argv: [String], unless: [String]

  var probe: String { ShellQuoting.commandLine(unless) }

  /// A check script says what it found on stdout (`etcd.service is inactive (dead), not running
  /// yet`); that is the detail. A short check that prints nothing is shown itself; a long one (named
  /// by its step) only by its exit status.
  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    let found = CheckReport.found(output.stdout)
    let shown = probe.count <= 100 ? "`\(probe)`" : nil
    if output.status == 0 { return .satisfied(found ?? shown.map { "\($0) succeeded" } ?? "already done") }
    return .needsChange(Change(.run, found ?? shown.map { "\($0) exited \(output.status)" } ?? "not done yet (exit \(output.status))"))
  }

  func apply(on remote: any RemoteHost) async throws {
    _ = try await remote.mustRun(argv, "run \(argv.first ?? "")")
  }
}

struct UploadStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let source: String, path: String, sha256: String?, mode: UInt32, owner: String, group: String

  /// Mode, owner and group, then the digest.
  var probe: String {
    let p = ShellQuoting.quote(path)
    return "stat -c '%a %U %G' -- \(p) || exit 3; \(ShellDigest.sha256(into: "d", of: p)) || exit; echo \"$d\""
  }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    guard output.status == 0 else { return .needsChange(Change(.create, "\(path) is absent")) }
    let lines = output.text.split(separator: "\n")
    let f = lines.first?.split(separator: " ").map(String.init) ?? []
    guard lines.count == 2, f.count == 3, let current = UInt32(f[0], radix: 8) else {
      throw StepError(.unexpectedOutput, "cannot parse stat and sha256sum output for \(path): \(output.text)")
    }
    let digest = lines[1].split(separator: " ").first.map(String.init) ?? ""
    var diffs: [String] = []
    if digest != (try expectedDigest()) { diffs.append("sha256 \(digest.prefix(12))… differs") }
    if current != mode { diffs.append("mode \(modeText(current)) -> \(modeText(mode))") }
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
    try await remote.uploadFile(source, to: path, sha256: expected, mode: mode, owner: owner, group: group)
  }

  private func expectedDigest() throws -> String {
    if let sha256 { return sha256 }
    if !FileManager.default.fileExists(atPath: source) {
      throw StepError(.localFile, "\(source) is not on this machine: put the file there (or give the artifact a url and sha256), then run again")
    }
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
struct WaitStep: ProbedStep {
  let id: String, host: HostID, summary: String
  let argv: [String], timeout: Duration

  var probe: String { ShellQuoting.commandLine(argv) }

  func evaluate(_ output: ProbeOutput) throws -> CheckResult {
    output.status == 0
      ? .satisfied(output.text.trimmingCharacters(in: .whitespacesAndNewlines))
      : .needsChange(Change(.check, "not yet: \(Self.lastLine(output.text))"))
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


/// A join point; the executor completes it without touching a host.
struct BarrierStep: Step {
  let id: String, host: HostID, summary: String
  func check(on remote: any RemoteHost) async throws -> CheckResult { .satisfied("barrier") }
  func apply(on remote: any RemoteHost) async throws {}
}

/// What a check script printed about what it found, made fit for a terminal and a plan: every line
/// it printed, joined with "; ", control characters dropped, at most 300 characters.
enum CheckReport {
  static func found(_ stdout: [UInt8]) -> String? {
    let lines = String(decoding: stdout, as: UTF8.self).split(whereSeparator: \.isNewline)
      .map { shown($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
    guard !lines.isEmpty else { return nil }
    let text = lines.joined(separator: "; ")
    return text.count <= 300 ? text : String(text.prefix(299)) + "…"
  }

  /// `text` without control and format characters (a host's value must not steer the terminal).
  static func shown(_ text: some StringProtocol) -> String {
    var kept = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar.properties.generalCategory {
      case .control, .format, .lineSeparator, .paragraphSeparator: continue
      default: kept.append(scalar)
      }
    }
    return String(kept)
  }
}
