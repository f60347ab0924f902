import Support

public enum OperationFailure {}

/// Why an operation did not complete. The CLI turns `kind` into an exit code in one place; the
/// message (and any diagnostics) is what the user reads.
public struct OperationError: Error, Sendable, CustomStringConvertible {
  public enum Kind: Sendable {
    /// The inventory, a playbook, a saved plan or an argument is not usable (exit 3).
    case invalidInput
    /// The operation ran and failed, or could not run (exit 1).
    case failed
    /// The security policy refuses what the inventory asks for: known-vulnerable versions (exit 4).
    case refused
  }

  public var kind: Kind
  public var code: ErrorCode<OperationFailure>
  public var message: String
  /// Every problem found in the input, when there were diagnostics.
  public var diagnostics: [Diagnostic]

  public init(_ kind: Kind, _ code: ErrorCode<OperationFailure>, _ message: String, diagnostics: [Diagnostic] = []) {
    self.kind = kind
    self.code = code
    self.message = message
    self.diagnostics = diagnostics
  }

  /// Diagnostics with errors among them: invalid input.
  public static func invalid(_ diagnostics: [Diagnostic], code: ErrorCode<OperationFailure> = .invalidInventory) -> OperationError {
    OperationError(.invalidInput, code, "", diagnostics: diagnostics)
  }

  public var description: String {
    diagnostics.isEmpty ? message : diagnostics.renderedReport() + (message.isEmpty ? "" : "\n" + message)
  }
}

extension ErrorCode where Domain == OperationFailure {
  public static let invalidInventory = ErrorCode("invalid-inventory")
  public static let invalidPlaybook = ErrorCode("invalid-playbook")
  public static let noPlaybook = ErrorCode("no-playbook")
  public static let invalidPlan = ErrorCode("invalid-plan")
  public static let stalePlan = ErrorCode("stale-plan")
  public static let hostKeyUnknown = ErrorCode("host-key-unknown")
  public static let versionChange = ErrorCode("version-change")
  public static let stateDirectory = ErrorCode("state-directory")
  public static let notApplied = ErrorCode("not-applied")
  public static let runFailed = ErrorCode("run-failed")
  public static let notAMember = ErrorCode("not-a-member")
  public static let noQuorum = ErrorCode("no-quorum")
  public static let memberAnswers = ErrorCode("member-answers")
  public static let removeFailed = ErrorCode("remove-failed")
  public static let refusedMember = ErrorCode("refused-member")
  public static let download = ErrorCode("download-failed")
  public static let factsUnavailable = ErrorCode("facts-unavailable")
  public static let hostLimit = ErrorCode("host-limit")
  /// `netpol hosts --verify` outside a `bulwark lab` (or not as root).
  public static let labOnly = ErrorCode("lab-only")
  /// A probe program of `netpol hosts --verify` could not run.
  public static let probeFailed = ErrorCode("probe-failed")
}

/// Something an operation wants the user to know while it works: it never prints; whoever drives
/// it decides where notices go (the CLI writes them to stderr as they are). `text` is complete,
/// with its own `warning:` or `note:` word where one belongs; `level` is for filtering.
public struct Notice: Sendable, Hashable {
  public enum Level: Sendable, Hashable { case note, warning }
  public var level: Level
  public var text: String
  public init(_ level: Level, _ text: String) {
    self.level = level
    self.text = text
  }
}

public typealias NoticeSink = @Sendable (Notice) -> Void
