import Support

/// A local PKI problem: unreadable or foreign files in the state dir, or a failed write.
public struct PKIError: Error, Sendable, CustomStringConvertible {
  public typealias Code = ErrorCode<PKIError>
  public var code: Code
  public var message: String
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }
  public var description: String { "\(message) [\(code)]" }
}

extension ErrorCode where Domain == PKIError {
  public static let unreadable = Self("pki-unreadable")
  public static let invalidAddress = Self("pki-invalid-address")
  public static let writeFailed = Self("pki-write-failed")
  public static let authorityMismatch = Self("pki-authority-mismatch")
}
