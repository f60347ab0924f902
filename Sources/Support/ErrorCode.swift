/// The stable, machine-readable name of one kind of error: `host-key-mismatch`, `command-failed`.
/// `Domain` is the error type the code belongs to, so a code of one error type cannot be handed to
/// another; each error type lists its codes in an extension.
public struct ErrorCode<Domain>: Sendable, Hashable, CustomStringConvertible {
  public let name: String
  public init(_ name: String) { self.name = name }
  public var description: String { name }
}

/// An error that is a code and a message, for a module whose errors need nothing more: the
/// `Domain` (an empty enum) keeps each module's codes to its own errors.
public struct CodedError<Domain>: Error, Sendable, CustomStringConvertible {
  public var code: ErrorCode<Domain>
  public var message: String
  public init(_ code: ErrorCode<Domain>, _ message: String) {
    self.code = code
    self.message = message
  }
  public var description: String { "\(message) [\(code)]" }
}
