/// A secret that never prints: description, debug description, logging and JSON all show `<redacted>`.
public struct Redacted<Value: Sendable>: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  Encodable
{
  private let value: Value
  public init(_ value: Value) { self.value = value }
  /// The only way to get the secret out; grep for it in review.
  public func revealed() -> Value { value }
  public var description: String { "<redacted>" }
  public var debugDescription: String { "<redacted>" }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode("<redacted>")
  }
}
