import ArgumentParser
import Orchestration
import Support

/// Every exit code Bulwark uses, and the one map from errors to them.
public enum BulwarkExit {
  /// Success; for plan and drift, also "no changes".
  public static let ok = ExitCode(0)
  /// A run failed: a step, a host, or the tool itself.
  public static let failure = ExitCode(1)
  /// plan: changes pending; drift: drift found; audit: a check failed.
  public static let changesPending = ExitCode(2)
  /// The inventory (or a playbook) is invalid.
  public static let invalidInput = ExitCode(3)
  /// validate, plan: a known vulnerability at the refusing severity, not waived (spec.security.vulnerabilities).
  public static let refused = ExitCode(4)
  /// audit, drift: some hosts could not be checked; every other host's result is complete and printed.
  public static let partial = ExitCode(5)

  /// For a read-only check of `checked` hosts of which `unreachable` could not be checked: nil when
  /// all were, `partial` when some were, `failure` when none was.
  static func unchecked(_ unreachable: Int, of checked: Int) -> ExitCode? {
    unreachable == 0 ? nil : unreachable < checked ? partial : failure
  }

  /// The exit code for what a command threw, after saying what went wrong on stderr. Argument
  /// errors and exit codes pass through to ArgumentParser, which prints usage where it belongs.
  static func code(for error: any Error) -> any Error {
    switch error {
    case let e as OperationError:
      if !e.diagnostics.isEmpty { Console.err(e.diagnostics.renderedReport() + "\n") }
      if !e.message.isEmpty { Console.err(Self.errorLines(e.message)) }
      switch e.kind {
      case .invalidInput: return invalidInput
      case .failed: return failure
      case .refused: return refused
      }
    case let e as DiagnosticsError:
      Console.err(e.diagnostics.renderedReport() + "\n")
      return invalidInput
    case is ExitCode, is ValidationError, is CleanExit:
      return error
    case is CancellationError:
      return failure
    default:
      // ArgumentParser's own errors (help, usage) and anything unforeseen: ArgumentParser prints them.
      return error
    }
  }

  /// `error: ` before the first line; a message of several lines keeps its own layout after it.
  static func errorLines(_ message: String) -> String {
    "error: " + (message.hasSuffix("\n") ? message : message + "\n")
  }
}
