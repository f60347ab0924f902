import CLibYAML
import Support

/// A linear walk over libyaml's events that refuses what Yams would choke on, before Yams composes:
/// - aliases whose expansion would exceed a node budget ("billion laughs"): each anchor's expanded
///   size is counted once, so the walk stays linear however deep the nesting;
/// - an alias to a collection used as a mapping key (Yams hashes such keys recursively);
/// - duplicate keys in one mapping, reported at the second occurrence with the first's line;
/// - nesting deeper than `maxDepth`, in Bulwark's words (libyaml's own limit, 1000 levels, which its
///   scanner can reach first in flow collections, is reported in the same words, never in libyaml's,
///   which name its API);
/// - syntax errors, with libyaml's own position.
struct EventPrepass {
  var file: String
  var nodeBudget: Int
  /// Collections inside collections, at most: inventories and playbooks need about ten.
  static let maxDepth = 256

  private struct Frame {
    var anchor: String?
    var isMapping: Bool
    var expandedSize = 1
    var childCount = 0
    var keys: [String: Int] = [:]  // key -> line of first occurrence
    var keyPath: String
    var pendingKey: String?
  }

  /// The problems found, and how many nodes the document writes out: each scalar, alias and
  /// collection once (not the expanded count the alias budget uses), so a reader sizing a table by
  /// it never reserves more than the file's own size allows.
  func run(_ bytes: UnsafeRawBufferPointer) -> (problems: [Diagnostic], nodes: Int) {
    var written = 0
    let problems = walk(bytes, written: &written)
    return (problems, written)
  }

  private func walk(_ bytes: UnsafeRawBufferPointer, written: inout Int) -> [Diagnostic] {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else {
      return [.error("yaml-internal", "libyaml could not initialise a parser", at: SourceLocation(file: file, line: 1, column: 1))]
    }
    defer { yaml_parser_delete(&parser) }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(
      &parser, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count)

    var diagnostics: [Diagnostic] = []
    var stack: [Frame] = []
    var anchorSizes: [String: (size: Int, isCollection: Bool)] = [:]
    var total = 0

    func location(_ mark: yaml_mark_t) -> SourceLocation {
      SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }
    func text(_ p: UnsafeMutablePointer<yaml_char_t>?, _ n: Int) -> String {
      guard let p else { return "" }
      return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    func cString(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
      guard let p else { return nil }
      return String(cString: p)
    }
    /// Accounts for one finished child node of the innermost collection; returns whether it sat in key position.
    func addChild(size: Int) -> Bool {
      guard !stack.isEmpty else { return false }
      stack[stack.count - 1].expandedSize += size
      let isKey = stack[stack.count - 1].isMapping && stack[stack.count - 1].childCount % 2 == 0
      stack[stack.count - 1].childCount += 1
      return isKey
    }
    func childPath() -> String {
      guard let top = stack.last else { return "" }
      if top.isMapping {
        // In key position the path is the mapping itself; in value position, mapping.key.
        guard top.childCount % 2 == 1, let key = top.pendingKey else { return top.keyPath }
        return top.keyPath.isEmpty ? key : top.keyPath + "." + key
      }
      return top.keyPath + "[\(top.childCount)]"
    }

    var event = yaml_event_t()
    while true {
      guard yaml_parser_parse(&parser, &event) == 1 else {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if problem.hasPrefix("Maximum nesting level") {
          diagnostics.append(tooDeep(at: location(parser.problem_mark), path: nil))
          return diagnostics
        }
        let context = parser.context.map { " " + String(cString: $0) } ?? ""
        diagnostics.append(.error(
          "yaml-syntax", "\(problem)\(context)", at: location(parser.problem_mark),
          hint: "fix the YAML syntax at this position"))
        return diagnostics
      }
      defer { yaml_event_delete(&event) }
      let start = event.start_mark
      switch event.type {
      case YAML_STREAM_END_EVENT:
        return diagnostics
      case YAML_SCALAR_EVENT:
        written += 1
        if let anchor = cString(event.data.scalar.anchor) { anchorSizes[anchor] = (1, false) }
        total += 1
        // Only a key's text is needed here (for the duplicate check), and its path only for the
        // error: a key's path is its mapping's, so no string is made for any other scalar.
        if addChild(size: 1) {
          let value = text(event.data.scalar.value, event.data.scalar.length)
          let top = stack.count - 1
          if let first = stack[top].keys[value] {
            diagnostics.append(.error(
              "duplicate-key", "duplicate key \"\(value)\" (first defined at line \(first))",
              at: location(start), path: NodeReader.join(stack[top].keyPath, value),
              hint: "a key may appear only once in a mapping; merge the two entries"))
          } else {
            stack[top].keys[value] = Int(start.line) + 1
          }
          stack[top].pendingKey = value
        }
      case YAML_ALIAS_EVENT:
        written += 1
        let name = cString(event.data.alias.anchor) ?? ""
        let known = anchorSizes[name] ?? (1, false)
        let path = childPath()
        total += known.size
        if addChild(size: known.size), known.isCollection {
          diagnostics.append(.error(
            "alias-key", "an alias to a collection (*\(name)) is used as a mapping key",
            at: location(start), path: path.isEmpty ? nil : path,
            hint: "mapping keys must be plain scalars"))
          return diagnostics
        }
        if total > nodeBudget {
          diagnostics.append(.error(
            "alias-budget",
            "aliases expand to more than \(nodeBudget) nodes (an alias bomb?); refused before expanding",
            at: location(start), path: path.isEmpty ? nil : path,
            hint: "inventories need few aliases; write the values out or reduce the nesting"))
          return diagnostics
        }
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        written += 1
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        if stack.count >= Self.maxDepth {
          let path = childPath()
          diagnostics.append(tooDeep(at: location(start), path: path.isEmpty ? nil : path))
          return diagnostics
        }
        let anchor = cString(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
        total += 1
        stack.append(Frame(anchor: anchor, isMapping: isMapping, keyPath: childPath()))
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        let frame = stack.removeLast()
        if let anchor = frame.anchor { anchorSizes[anchor] = (frame.expandedSize, true) }
        _ = addChild(size: frame.expandedSize)
      default:
        break
      }
    }
  }

  private func tooDeep(at location: SourceLocation, path: String?) -> Diagnostic {
    .error("yaml-too-deep", "lists and mappings are nested too deeply here (at most \(Self.maxDepth) levels); refused",
      at: location, path: path, hint: "Bulwark's files need about ten levels; flatten the structure")
  }
}
