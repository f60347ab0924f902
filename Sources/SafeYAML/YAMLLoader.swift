import Foundation
import Support
import Yams

/// A composed YAML document plus the file it came from. Keep it on one task: Yams nodes are not Sendable.
public struct YAMLDocument {
  public let file: String
  public let root: Node
  /// How many nodes the file writes out (an alias counts once), for readers to size their tables.
  public let nodeCount: Int

  public init(file: String, root: Node, nodeCount: Int = 0) {
    self.file = file
    self.root = root
    self.nodeCount = nodeCount
  }
}

/// Loads YAML that may be hostile: size-limited, UTF-8 only, no binary, no alias bombs, no duplicate keys.
/// Every refusal is a diagnostic with a position; nothing here crashes or expands aliases exponentially.
public struct YAMLLoader: Sendable {
  public var maxBytes: Int
  public var aliasNodeBudget: Int

  public init(maxBytes: Int = 8 << 20, aliasNodeBudget: Int = 1_000_000) {
    self.maxBytes = maxBytes
    self.aliasNodeBudget = aliasNodeBudget
  }

  public func load(path: String, displayName: String? = nil) -> Result<YAMLDocument, DiagnosticsError> {
    let name = displayName ?? path
    let start = SourceLocation(file: name, line: 1, column: 1)
    var info = stat()
    guard stat(path, &info) == 0 else {
      return .failure(DiagnosticsError([.error(
        "file-unreadable", "cannot read \(path): \(String(cString: strerror(errno)))", at: start)]))
    }
    if (info.st_mode & S_IFMT) != S_IFREG {
      return .failure(DiagnosticsError([.error("file-unreadable", "\(path) is not a regular file", at: start)]))
    }
    // Refuse by size before reading a byte.
    if Int(info.st_size) > maxBytes { return .failure(DiagnosticsError([tooLarge(Int(info.st_size), start)])) }
    guard let data = FileManager.default.contents(atPath: path) else {
      return .failure(DiagnosticsError([.error("file-unreadable", "cannot read \(path)", at: start)]))
    }
    return parse(Array(data), file: name)
  }

  public func parse(_ bytes: [UInt8], file: String) -> Result<YAMLDocument, DiagnosticsError> {
    let start = SourceLocation(file: file, line: 1, column: 1)
    if bytes.count > maxBytes { return .failure(DiagnosticsError([tooLarge(bytes.count, start)])) }
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    if let nul = body.firstIndex(of: 0) {
      return .failure(DiagnosticsError([.error(
        "binary-input", "the file contains a NUL byte: this is binary data, not YAML",
        at: position(of: nul, in: bytes, file: file), hint: "pass the inventory's YAML file")]))
    }
    if let bad = firstInvalidUTF8(body) {
      return .failure(DiagnosticsError([.error(
        "not-utf8", "the file is not valid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)))",
        at: position(of: bad, in: bytes, file: file), hint: "save the file as UTF-8")]))
    }
    let (problems, nodeCount) = Array(body).withUnsafeBytes {
      EventPrepass(file: file, nodeBudget: aliasNodeBudget).run($0)
    }
    if !problems.isEmpty { return .failure(DiagnosticsError(problems)) }

    let text = String(decoding: body, as: UTF8.self)
    do {
      // Typing is NodeReader's job (it reads raw scalar text), so Yams's regex tag resolution is skipped.
      let parser = try Parser(yaml: text, resolver: .basic)
      guard let root = try parser.singleRoot() else {
        return .failure(DiagnosticsError([.error("empty-document", "the file is empty", at: start)]))
      }
      return .success(YAMLDocument(file: file, root: root, nodeCount: nodeCount))
    } catch let error as YamlError {
      return .failure(DiagnosticsError([diagnostic(for: error, file: file)]))
    } catch {
      return .failure(DiagnosticsError([.error("yaml-syntax", "\(error)", at: start)]))
    }
  }

  private func tooLarge(_ size: Int, _ at: SourceLocation) -> Diagnostic {
    .error(
      "file-too-large", "the file is \(size) bytes; the limit is \(maxBytes) bytes", at: at,
      hint: "an inventory this large is almost certainly not what you meant to pass")
  }

  /// Yams's own messages embed the whole document; build a short one with the position instead.
  private func diagnostic(for error: YamlError, file: String) -> Diagnostic {
    func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
    switch error {
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
      let .composer(context, problem, mark, _):
      let prefix = context.map { "\($0.text): " } ?? ""
      return .error("yaml-syntax", prefix + problem, at: at(mark))
    case let .duplicatedKeysInMapping(duplicates, context):
      return .error(
        "duplicate-key", "duplicate keys: " + duplicates.joined(separator: ", "), at: at(context.mark))
    default:
      return .error("yaml-syntax", "\(error)", at: SourceLocation(file: file, line: 1, column: 1))
    }
  }
}

/// The byte offset of the first byte that is not part of valid UTF-8, if any.
func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
  var i = bytes.startIndex
  while i < bytes.endIndex {
    let b = bytes[i]
    if b < 0x80 { i += 1; continue }
    let length: Int
    switch b {
    case 0xC2...0xDF: length = 2
    case 0xE0...0xEF: length = 3
    case 0xF0...0xF4: length = 4
    default: return i
    }
    if i + length > bytes.endIndex { return i }
    for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
    // Overlong forms, surrogates and values past U+10FFFF.
    let b1 = bytes[i + 1]
    if (b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F) {
      return i
    }
    i += length
  }
  return nil
}

/// 1-based line and column (in characters) of a byte offset.
func position(of offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
  var line = 1, lineStart = 0
  for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
    line += 1
    lineStart = i + 1
  }
  let column = bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count + 1
  return SourceLocation(file: file, line: line, column: column)
}
