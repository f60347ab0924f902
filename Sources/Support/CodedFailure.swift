/// An error that names its kind with a stable code, so whoever records or shows it (the executor's
/// outcomes, the run journal, progress lines) keeps the code apart from the message instead of
/// flattening both into one string.
public protocol CodedFailure: Error {
  /// The code's name: `command-failed`, `connection-refused`.
  var codeName: String { get }
  /// The message alone, without the code.
  var plainMessage: String { get }
}

extension CodedError: CodedFailure {
  public var codeName: String { code.name }
  public var plainMessage: String { message }
}
