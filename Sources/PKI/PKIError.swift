/// A local PKI problem: unreadable or foreign files in the state dir, or a failed write.
public struct PKIError: Error, Sendable, CustomStringConvertible {
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }
    public static let unreadable = Code("pki-unreadable")
    public static let invalidAddress = Code("pki-invalid-address")
    public static let writeFailed = Code("pki-write-failed")
    public static let authorityMismatch = Code("pki-authority-mismatch")
  }
  public var code: Code
  public var message: String
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }
  public var description: String { "\(message) [\(code)]" }
}
