import Remote
import Support

/// Why a step failed: the error's code (`ErrorCode.name` of a `RemoteError`, `StepError`,
/// `LocalFileError` …) and its message, kept apart so the journal records the code, progress shows
/// it as `[code]` and a caller can tell a refused connection from a failed command without parsing.
public struct FailureCause: Sendable, Hashable, CustomStringConvertible {
  public var code: String
  public var message: String

  public init(code: String, message: String) {
    self.code = code
    self.message = message
  }

  /// The cause of `error`, thrown while a step ran on `host`. A `RemoteError` about another host
  /// (a bastion, a forwarding host) keeps that host's name in the message.
  public init(_ error: any Error, on host: HostID) {
    switch error {
    case let e as RemoteError:
      self.init(code: e.code.name, message: e.host == host ? e.message : "\(e.host): \(e.message)")
    case let e as any CodedFailure:
      self.init(code: e.codeName, message: e.plainMessage)
    case is CancellationError:
      self.init(code: Self.cancelled, message: "the run was cancelled")
    default:
      self.init(code: Self.unexpected, message: "\(error)")
    }
  }

  /// The code of an error that carries none of its own.
  public static let unexpected = "unexpected-error"
  /// The code of a step stopped by cancellation.
  public static let cancelled = "cancelled"

  public var description: String { "\(message) [\(code)]" }
}
