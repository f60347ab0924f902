import Support
import Yams

/// Reading one document's Yams nodes: field lookup by key text, scalar text, and positions shifted by the
/// document's place in its file. Problems are collected as diagnostics; nothing here throws or stops.
final class NodeAccess {
  let file: String
  let lineOffset: Int
  private(set) var diagnostics: [Diagnostic] = []

  init(file: String, lineOffset: Int) {
    self.file = file
    self.lineOffset = lineOffset
  }

  func location(_ node: Node) -> SourceLocation {
    guard let mark = node.mark else { return SourceLocation(file: file, line: lineOffset + 1, column: 1) }
    return SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column)
  }

  func report(_ d: Diagnostic) { diagnostics.append(d) }

  /// The value under `key` in a mapping; nil when absent, null, or `node` is not a mapping.
  static func child(_ node: Node, _ key: String) -> Node? {
    guard case .mapping(let mapping) = node else { return nil }
    for (k, v) in mapping where k.scalar?.string == key {
      return isNull(v) ? nil : v
    }
    return nil
  }

  /// Follows a path of keys.
  static func child(_ node: Node, _ keys: [String]) -> Node? {
    var current = node
    for k in keys {
      guard let next = child(current, k) else { return nil }
      current = next
    }
    return current
  }

  static func isNull(_ node: Node) -> Bool {
    guard case .scalar(let s) = node else { return false }
    return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
  }

  static func string(_ node: Node?) -> String? {
    guard let node, case .scalar(let s) = node, !isNull(node) else { return nil }
    return s.string
  }

  static func items(_ node: Node?) -> [Node] {
    guard let node, case .sequence(let seq) = node else { return [] }
    return Array(seq)
  }

  /// A string-to-string mapping (labels); non-scalar values are skipped.
  static func stringMap(_ node: Node?) -> [String: String] {
    guard let node, case .mapping(let mapping) = node else { return [:] }
    var out: [String: String] = [:]
    for (k, v) in mapping {
      if let key = k.scalar?.string, let value = v.scalar?.string { out[key] = value }
    }
    return out
  }

  static func keys(_ node: Node) -> [String] {
    guard case .mapping(let mapping) = node else { return [] }
    return mapping.keys.compactMap { $0.scalar?.string }
  }
}
