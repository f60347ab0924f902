import Support

/// The domain of local PKI errors: unreadable or foreign files in the state dir, or a failed write.
public enum PKIFailure {}

/// A local PKI problem.
public typealias PKIError = CodedError<PKIFailure>

extension ErrorCode where Domain == PKIFailure {
  public static let unreadable = Self("pki-unreadable")
  public static let invalidAddress = Self("pki-invalid-address")
  public static let writeFailed = Self("pki-write-failed")
  public static let authorityMismatch = Self("pki-authority-mismatch")
}
