import Support

/// What can go wrong with advisory data: bad input files (with every problem and its position), an
/// unknown version or component named by the caller, or the state file not being writable.
public struct AdvisoryError: Error, Sendable, CustomStringConvertible {
  public var code: ErrorCode<AdvisoryError>
  public var message: String
  /// For `badInput`: every problem found, each with its file position.
  public var diagnostics: [Diagnostic]

  public init(_ code: ErrorCode<AdvisoryError>, _ message: String, diagnostics: [Diagnostic] = []) {
    self.code = code
    self.message = message
    self.diagnostics = diagnostics
  }

  public var description: String {
    diagnostics.isEmpty ? "\(message) [\(code)]" : diagnostics.sortedByLocation().map(\.rendered).joined(separator: "\n")
  }

  static func badInput(_ diagnostics: [Diagnostic]) -> AdvisoryError {
    AdvisoryError(.badInput, "the advisory input is invalid", diagnostics: diagnostics)
  }

  static func unknownVersion(_ text: String, component: Component? = nil) -> AdvisoryError {
    let what = component.map { "\($0.rawValue) " } ?? ""
    return AdvisoryError(.unknownVersion, "\"\(text)\" is not a version Bulwark can compare (\(what)expected e.g. 1.30.2, v3.5.9, 9.2p1)")
  }
}

extension ErrorCode where Domain == AdvisoryError {
  /// A file or feed is malformed; `diagnostics` says where.
  public static let badInput = ErrorCode("advisory-bad-input")
  /// A version string does not parse.
  public static let unknownVersion = ErrorCode("unknown-version")
  /// A component name is not one Bulwark knows.
  public static let unknownComponent = ErrorCode("unknown-component")
  /// The shipped data file is missing from the bundle.
  public static let dataMissing = ErrorCode("advisory-data-missing")
  /// The merged data could not be written to the state file.
  public static let saveFailed = ErrorCode("advisory-save-failed")
}
