import Foundation
import Support

/// One intended flow, a line of an intent file in `netpol list`'s format: `SRC => DST : CONNS`.
public struct IntendedFlow: Hashable, Sendable {
  public var source: String
  public var destination: String
  public var connections: ConnectionSet
  public var location: SourceLocation?

  public init(source: String, destination: String, connections: ConnectionSet, location: SourceLocation? = nil) {
    self.source = source
    self.destination = destination
    self.connections = connections
    self.location = location
  }
}

/// Reads intent files: one flow a line; blank lines and `#` comments are skipped.
public enum IntentParser {
  public static func parse(_ text: String, file: String) -> (flows: [IntendedFlow], diagnostics: [Diagnostic]) {
    var flows: [IntendedFlow] = []
    var diagnostics: [Diagnostic] = []
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let at = SourceLocation(file: file, line: i + 1, column: 1)
      guard let arrow = line.range(of: " => "), let colon = line.range(of: " : ", range: arrow.upperBound..<line.endIndex)
      else {
        diagnostics.append(.error("invalid-intent", "expected `SRC => DST : CONNS`", at: at))
        continue
      }
      let conns = String(line[colon.upperBound...])
      guard let set = ConnectionSet(parsing: conns), !set.isEmpty else {
        diagnostics.append(.error("invalid-intent", "\"\(conns)\" is not `All Connections` or a list like `TCP 80,UDP 53`", at: at))
        continue
      }
      flows.append(IntendedFlow(source: String(line[..<arrow.lowerBound]).trimmingCharacters(in: .whitespaces),
                                destination: String(line[arrow.upperBound..<colon.lowerBound]).trimmingCharacters(in: .whitespaces),
                                connections: set, location: at))
    }
    return (flows, diagnostics)
  }
}
