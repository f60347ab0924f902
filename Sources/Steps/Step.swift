import Planning
import Remote
import Support

/// The outcome of a read-only check.
public enum CheckResult: Sendable, Equatable {
  case satisfied(String)
  case needsChange(Change)
}

/// What differs, for plan output and reports.
public struct Change: Sendable, Equatable {
  public var action: Action
  public var detail: String
  public init(_ action: Action, _ detail: String) {
    self.action = action
    self.detail = detail
  }
}

/// An executable step: `check` only reads; `apply` is idempotent. The executor re-checks after apply.
public protocol Step: Sendable {
  var id: String { get }
  var host: HostID { get }
  var summary: String { get }
  func check(on host: any RemoteHost) async throws -> CheckResult
  func apply(on host: any RemoteHost) async throws
}

/// The domain of step errors.
public enum StepFailure {}

/// A step failed in a way that is the step's fault, not the transport's.
public typealias StepError = CodedError<StepFailure>

extension CodedError where Domain == StepFailure {
  static func failed(_ what: String, _ command: RemoteCommand, _ result: CommandResult) -> StepError {
    StepError(.commandFailed, "\(what): `\(command.commandLine)` exited \(result.exitStatus): \(result.stderrTail)")
  }
}

extension ErrorCode where Domain == StepFailure {
  public static let commandFailed = Self("command-failed")
  public static let didNotConverge = Self("did-not-converge")
  public static let unexpectedOutput = Self("unexpected-output")
  public static let localFile = Self("local-file")
  public static let timedOut = Self("timed-out")
  public static let rolledBack = Self("rolled-back")
}

extension RemoteHost {
  /// Runs a command that must succeed.
  func mustRun(_ argv: [String], _ what: String, stdin: [UInt8]? = nil) async throws -> CommandResult {
    let command = RemoteCommand(argv, stdin: stdin)
    let result = try await run(command)
    guard result.succeeded else { throw StepError.failed(what, command, result) }
    return result
  }

  /// Mode, owner and group, or nil when the path is absent.
  func status(_ path: String) async throws -> FileStatus? {
    try await statusAndContent(path, content: false)?.status
  }

  /// Status and, for `content: true`, the bytes, in one round trip: a `stat` line, then the file.
  func statusAndContent(_ path: String, content: Bool) async throws -> (status: FileStatus, bytes: [UInt8])? {
    let script = "stat -c '%a %U %G %s %F' -- \"$1\" || exit 3; [ \"$2\" = no ] || exec cat -- \"$1\""
    let result = try await run(RemoteCommand(["sh", "-c", script, "sh", path, content ? "yes" : "no"]))
    guard result.succeeded else { return nil }
    guard let newline = result.stdout.firstIndex(of: UInt8(ascii: "\n")) else {
      throw StepError(.unexpectedOutput, "cannot parse stat output for \(path): \(result.stdoutText)")
    }
    let f = String(decoding: result.stdout[..<newline], as: UTF8.self).split(separator: " ", maxSplits: 4).map(String.init)
    guard f.count == 5, let mode = UInt32(f[0], radix: 8), let size = Int(f[3]) else {
      throw StepError(.unexpectedOutput, "cannot parse stat output for \(path): \(result.stdoutText)")
    }
    let status = FileStatus(mode: mode, owner: f[1], group: f[2], size: size, isDirectory: f[4].hasPrefix("directory"))
    return (status, Array(result.stdout[(newline + 1)...]))
  }
}

/// Builds executable steps from planned ones.
public enum StepFactory {
  public static func make(_ planned: PlannedStep) -> any Step {
    let base = (id: planned.id, host: planned.host, summary: planned.summary)
    switch planned.operation {
    case let .file(path, content, mode, owner, group):
      return FileStep(id: base.id, host: base.host, summary: base.summary, path: path, content: Array(content.utf8),
        mode: mode, owner: owner, group: group)
    case let .directory(path, mode, owner, group):
      return DirectoryStep(id: base.id, host: base.host, summary: base.summary, path: path, mode: mode, owner: owner, group: group)
    case let .user(name, home):
      return UserStep(id: base.id, host: base.host, summary: base.summary, name: name, home: home)
    case let .sysctl(settings, file):
      return SysctlStep(id: base.id, host: base.host, summary: base.summary, settings: settings, file: file)
    case let .systemdUnit(name, content, enabled, running):
      return SystemdUnitStep(id: base.id, host: base.host, summary: base.summary, name: name, content: content,
        enabled: enabled, running: running)
    case let .command(argv, unless):
      return CommandStep(id: base.id, host: base.host, summary: base.summary, argv: argv, unless: unless)
    case let .upload(source, path, sha256, mode, owner, group):
      return UploadStep(id: base.id, host: base.host, summary: base.summary, source: source, path: path, sha256: sha256,
        mode: mode, owner: owner, group: group)
    case let .fetch(argv, remotePath, localPath):
      return FetchStep(id: base.id, host: base.host, summary: base.summary, argv: argv, remotePath: remotePath,
        localPath: localPath)
    case let .guardedConfig(path, content, mode, validate, activate, deactivate, liveCheck):
      return GuardedConfigStep(id: base.id, host: base.host, summary: base.summary, path: path, content: Array(content.utf8),
        mode: mode, validate: validate, activate: activate, deactivate: deactivate, liveCheck: liveCheck)
    case let .wait(argv, timeoutSeconds):
      return WaitStep(id: base.id, host: base.host, summary: base.summary, argv: argv, timeout: .seconds(timeoutSeconds))
    case .barrier:
      return BarrierStep(id: base.id, host: base.host, summary: base.summary)
    }
  }
}
