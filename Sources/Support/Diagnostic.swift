/// A position in a source file: 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in user input. Validation returns all of them at once, never just the first.
public struct Diagnostic: Hashable, Sendable, Codable {
  public enum Severity: String, Sendable, Codable, Comparable {
    case warning, error
    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
  }

  public var severity: Severity
  /// A short stable identifier, e.g. `unknown-field`. Tests and waivers refer to it.
  public var code: String
  public var message: String
  public var location: SourceLocation?
  /// The YAML path, e.g. `spec.hosts[2].address`.
  public var path: String?
  public var hint: String?

  public init(
    _ severity: Severity, code: String, _ message: String,
    at location: SourceLocation? = nil, path: String? = nil, hint: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.location = location
    self.path = path
    self.hint = hint
  }

  public static func error(
    _ code: String, _ message: String, at location: SourceLocation? = nil, path: String? = nil,
    hint: String? = nil
  ) -> Diagnostic {
    Diagnostic(.error, code: code, message, at: location, path: path, hint: hint)
  }

  public static func warning(
    _ code: String, _ message: String, at location: SourceLocation? = nil, path: String? = nil,
    hint: String? = nil
  ) -> Diagnostic {
    Diagnostic(.warning, code: code, message, at: location, path: path, hint: hint)
  }

  /// `file:line:col: error: message [code]`, then the YAML path and the hint on their own lines.
  public var rendered: String {
    var out = ""
    if let location { out += "\(location): " }
    out += "\(severity.rawValue): \(message) [\(code)]"
    if let path { out += "\n    at: \(path)" }
    if let hint { out += "\n    hint: \(hint)" }
    return out
  }
}

extension Array where Element == Diagnostic {
  public var hasErrors: Bool { contains { $0.severity == .error } }
  public var errorCount: Int { filter { $0.severity == .error }.count }
  public var warningCount: Int { filter { $0.severity == .warning }.count }

  /// Sorted by file, line and column; diagnostics without a position come last, in insertion order.
  public func sortedByLocation() -> [Diagnostic] {
    enumerated().sorted { a, b in
      switch (a.element.location, b.element.location) {
      case let (la?, lb?):
        if la.file != lb.file { return la.file < lb.file }
        if la.line != lb.line { return la.line < lb.line }
        if la.column != lb.column { return la.column < lb.column }
        return a.offset < b.offset
      case (nil, nil): return a.offset < b.offset
      case (_?, nil): return true
      case (nil, _?): return false
      }
    }.map(\.element)
  }

  /// Every diagnostic rendered, then a one-line count.
  public func renderedReport() -> String {
    var lines = map(\.rendered)
    let e = errorCount, w = warningCount
    lines.append("\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")")
    return lines.joined(separator: "\n")
  }
}

/// Thrown when input is invalid; carries every diagnostic found.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public var description: String { diagnostics.map(\.rendered).joined(separator: "\n") }
}
