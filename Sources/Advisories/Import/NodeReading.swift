import Support
import SafeYAML
import Yams

/// Helpers over SafeYAML's reader for JSON documents (JSON is YAML, so positions come for free).
extension NodeReader {
  /// The fields of a mapping from a foreign format, where keys Bulwark does not use are allowed.
  func lenientFields(_ node: Node, at path: String) -> Fields? {
    fields(node, at: path, known: node.mapping?.keys.compactMap(\.string) ?? [])
  }

  /// A version string, or an `unknown-version` error naming it at its position.
  func upstreamVersion(_ node: Node, at path: String) -> UpstreamVersion? {
    guard let text = string(node, at: path) else { return nil }
    guard let v = UpstreamVersion(text) else {
      error("unknown-version", "\"\(text)\" is not a version Bulwark can compare", at: node, path: path,
            hint: "use dotted numbers with an optional pre-release, e.g. 1.30.2, v1.32.0-rc.1, 9.8p1")
      return nil
    }
    return v
  }

  /// A node is a list whose items are each read; a missing list is empty.
  func optionalList<T>(_ fields: Fields, _ key: String, _ element: (Node, String) -> T?) -> [T] {
    fields.list(key, element) ?? []
  }
}

extension Fields {
  /// A JSON number (or numeric string) as a Double.
  func double(_ key: String) -> Double? {
    guard let n = node(key), let text = reader.string(n, at: path(key)) else { return nil }
    guard let v = Double(text) else {
      reader.error("wrong-type", "expected a number, found \"\(text)\"", at: n, path: path(key))
      return nil
    }
    return v
  }
}
