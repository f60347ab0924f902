/// The stable, machine-readable name of one kind of error: `host-key-mismatch`, `command-failed`.
/// `Domain` is the error type the code belongs to, so a code of one error type cannot be handed to
/// another; each error type lists its codes in an extension.
public struct ErrorCode<Domain>: Sendable, Hashable, CustomStringConvertible {
  public let name: String
  public init(_ name: String) { self.name = name }
  public var description: String { name }
}
