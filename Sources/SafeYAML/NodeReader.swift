import Support
import Yams

/// Reads a composed YAML tree into typed values while collecting every problem, with its position,
/// instead of stopping at the first one (Codable stops at the first). It also remembers where each
/// value sat, so later semantic checks can point at the exact line and column.
public final class NodeReader {
  public let file: String
  public private(set) var diagnostics: [Diagnostic] = []
  /// YAML path (`spec.hosts[2].address`) to the position of its value.
  public private(set) var locations: [String: SourceLocation] = [:]

  /// `expectedNodes`, the document's node count when known, sizes the location table once: about
  /// half of a document's nodes are values whose place is remembered (the rest are keys), and
  /// growing the table step by step was 1% of a 10,000-host plan.
  public init(file: String, expectedNodes: Int = 0) {
    self.file = file
    locations.reserveCapacity(expectedNodes / 2)
  }

  public func location(of node: Node) -> SourceLocation {
    guard let mark = node.mark else { return SourceLocation(file: file, line: 1, column: 1) }
    return SourceLocation(file: file, line: mark.line, column: mark.column)
  }

  public func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

  public func error(_ code: String, _ message: String, at node: Node, path: String, hint: String? = nil) {
    diagnostics.append(.error(code, message, at: location(of: node), path: path, hint: hint))
  }

  func remember(_ node: Node, at path: String) { locations[path] = location(of: node) }

  /// The mapping's fields, after reporting any key not in `known` (with a "did you mean").
  public func fields(_ node: Node, at path: String, known: [String]) -> Fields? {
    remember(node, at: path)
    guard case .mapping(let mapping) = node else {
      error("wrong-type", "expected a mapping, found \(describe(node))", at: node, path: path)
      return nil
    }
    var values: [String: (key: Node, value: Node)] = [:]
    values.reserveCapacity(mapping.count)
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        error("wrong-type", "mapping keys must be plain strings", at: key, path: path)
        continue
      }
      let name = scalar.string
      if !known.contains(name) {
        error("unknown-field", "unknown field \"\(name)\"", at: key, path: Self.join(path, name), hint: suggestion(for: name, in: known))
        continue
      }
      values[name] = (key, value)
    }
    return Fields(reader: self, path: path, node: node, values: values)
  }

  /// A scalar's text; reports null and collections.
  public func string(_ node: Node, at path: String) -> String? {
    remember(node, at: path)
    guard case .scalar(let scalar) = node else {
      error("wrong-type", "expected a string, found \(describe(node))", at: node, path: path)
      return nil
    }
    if Self.isNull(scalar) {
      error("wrong-type", "expected a string, found null", at: node, path: path, hint: "give a value or remove the field")
      return nil
    }
    return scalar.string
  }

  public func list<T>(_ node: Node, at path: String, _ element: (Node, String) -> T?) -> [T]? {
    remember(node, at: path)
    guard case .sequence(let sequence) = node else {
      error("wrong-type", "expected a list, found \(describe(node))", at: node, path: path)
      return nil
    }
    var out: [T] = []
    out.reserveCapacity(sequence.count)
    for (i, item) in sequence.enumerated() {
      if let value = element(item, "\(path)[\(i)]") { out.append(value) }
    }
    return out
  }

  public func describe(_ node: Node) -> String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let s): return Self.isNull(s) ? "null" : "\"\(s.string)\""
    }
  }

  static func isNull(_ scalar: Node.Scalar) -> Bool {
    scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  public static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

/// The fields of one mapping. Each accessor reports its own problems and returns nil on them.
public struct Fields {
  public let reader: NodeReader
  public let path: String
  public let node: Node
  private let values: [String: (key: Node, value: Node)]

  init(reader: NodeReader, path: String, node: Node, values: [String: (key: Node, value: Node)]) {
    self.reader = reader
    self.path = path
    self.node = node
    self.values = values
  }

  public func has(_ key: String) -> Bool { values[key] != nil }
  public func value(_ key: String) -> Node? { values[key]?.value }
  public func path(_ key: String) -> String { NodeReader.join(path, key) }

  /// The value node, or a `missing-field` error when required.
  public func node(_ key: String, required: Bool = false) -> Node? {
    if let v = values[key]?.value { return v }
    if required {
      reader.error("missing-field", "missing required field \"\(key)\"", at: node, path: path(key))
    }
    return nil
  }

  public func string(_ key: String, required: Bool = false) -> String? {
    node(key, required: required).flatMap { reader.string($0, at: path(key)) }
  }

  public func int(_ key: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
    guard let n = node(key, required: required), let text = reader.string(n, at: path(key)) else { return nil }
    guard let value = Int(text), range.contains(value) else {
      reader.error(
        "wrong-type", "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \"\(text)\"",
        at: n, path: path(key))
      return nil
    }
    return value
  }

  public func bool(_ key: String) -> Bool? {
    guard let n = node(key), let text = reader.string(n, at: path(key)) else { return nil }
    switch text {
    case "true", "True", "TRUE": return true
    case "false", "False", "FALSE": return false
    default:
      reader.error("wrong-type", "expected true or false, found \"\(text)\"", at: n, path: path(key))
      return nil
    }
  }

  public func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
  where E.RawValue == String {
    guard let n = node(key, required: required), let text = reader.string(n, at: path(key)) else { return nil }
    if let value = E(rawValue: text) { return value }
    let names = E.allCases.map(\.rawValue)
    reader.error(
      "invalid-value", "\"\(text)\" is not a valid \(key)", at: n, path: path(key),
      hint: suggestion(for: text, in: names))
    return nil
  }

  public func list<T>(_ key: String, required: Bool = false, _ element: (Node, String) -> T?) -> [T]? {
    node(key, required: required).flatMap { reader.list($0, at: path(key), element) }
  }

  public func strings(_ key: String, required: Bool = false) -> [String]? {
    list(key, required: required) { reader.string($0, at: $1) }
  }

  /// A mapping of plain strings to plain strings (labels, annotations).
  public func stringMap(_ key: String) -> [String: String]? {
    guard let n = node(key), let fields = reader.fields(n, at: path(key), known: Array(n.mapping?.keys.compactMap(\.string) ?? []))
    else { return nil }
    var out: [String: String] = [:]
    out.reserveCapacity(n.mapping?.count ?? 0)
    for k in n.mapping?.keys.compactMap(\.string) ?? [] { out[k] = fields.string(k) }
    return out
  }

  public func object<T>(_ key: String, known: [String], required: Bool = false, _ body: (Fields) -> T?) -> T? {
    guard let n = node(key, required: required), let fields = reader.fields(n, at: path(key), known: known) else {
      return nil
    }
    return body(fields)
  }
}
