/// The text plan as it is written: one growing byte buffer, a line at a time, so a 100,000-step
/// plan is one buffer rather than an array of lines joined at the end, and appending is a copy of
/// bytes (a `String` checks and updates its UTF-8 and ASCII flags on every append: 8% of a
/// 10,000-host plan). Every piece appended is a whole `String`, so the bytes are valid UTF-8. Also
/// the id arithmetic the text needs (a step's subject, its width in columns) without splitting
/// strings by `Character`: ids are printable ASCII in practice, where bytes and characters are the
/// same; anything else takes the `Character` path, so the result never depends on which path ran.
struct PlanText {
  private(set) var bytes: [UInt8] = []
  /// Where full chunks go when the text is streamed (`Plan.writeText`); nil keeps it all.
  private let flush: ((UnsafeRawBufferPointer) -> Void)?
  private let chunk: Int

  init(capacity: Int, chunk: Int = 0, flush: ((UnsafeRawBufferPointer) -> Void)? = nil) {
    bytes.reserveCapacity(capacity)
    self.chunk = chunk
    self.flush = flush
  }

  var text: String { String(decoding: bytes, as: UTF8.self) }

  mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

  /// `s` and a newline; when streaming, hands the text on once it holds `chunk` bytes.
  mutating func line(_ s: String) {
    bytes.append(contentsOf: s.utf8)
    endLine()
  }

  private mutating func endLine() {
    bytes.append(UInt8(ascii: "\n"))
    if let flush, bytes.count >= chunk {
      bytes.withUnsafeBytes { flush($0) }
      bytes.removeAll(keepingCapacity: true)
    }
  }

  /// Hands on what is left (streaming only).
  mutating func flushRest() {
    guard let flush, !bytes.isEmpty else { return }
    bytes.withUnsafeBytes { flush($0) }
    bytes.removeAll(keepingCapacity: true)
  }

  /// `    + id<pad>  summary (run on HOST)`, then what the host showed when it differs. `padding` is
  /// `width` spaces; `idWidth` is `characterCount(s.id)`.
  mutating func step(_ s: PlannedStep, idWidth: Int, under host: String, width: Int, padding: String) {
    bytes.append(contentsOf: "    ".utf8)
    bytes.append(contentsOf: s.action.symbol.utf8)
    bytes.append(UInt8(ascii: " "))
    bytes.append(contentsOf: s.id.utf8)
    let pad = width - idWidth
    if padding.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0.prefix(pad))) }) == nil {
      bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pad))
    }
    bytes.append(contentsOf: "  ".utf8)
    bytes.append(contentsOf: s.summary.utf8)
    if s.host != host {
      bytes.append(contentsOf: " (run on ".utf8)
      bytes.append(contentsOf: s.host.utf8)
      bytes.append(UInt8(ascii: ")"))
    }
    endLine()
    guard let o = s.observed, o.state != .unchanged else { return }
    let lead = String(repeating: " ", count: 8)
    if let d = o.detail {
      // One difference per line when there are many ("key 0 -> 1, key 1 -> 0, …").
      let parts = d.count > 100 ? d.components(separatedBy: ", ") : [d]
      for (n, part) in parts.enumerated() { line(lead + (n == 0 && o.state == .unknown ? "not known: " : "") + part) }
    }
    if let diff = o.diff {
      for l in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { line(lead + l) }
    }
  }

  /// True when every byte is printable ASCII (space to `~`): one byte, one character, one column.
  static func isPrintableASCII(_ s: String) -> Bool {
    // Over the string's own bytes where it has them (always, for native strings): a loop over a
    // buffer, where the UTF-8 view's iterator was 2% of a 10,000-host plan.
    s.utf8.withContiguousStorageIfAvailable { bytes in
      for b in bytes where b < 0x20 || b >= 0x7F { return false }
      return true
    } ?? s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
  }

  /// `s.count`, counted in bytes when that is the same thing.
  static func characterCount(_ s: String) -> Int {
    isPrintableASCII(s) ? s.utf8.count : s.count
  }

  /// The middle part of `phase/HOST/name`, as `id.split(separator: "/", maxSplits: 2)` finds it
  /// (empty parts skipped), or `host` when the id has fewer than three parts.
  static func subject(_ id: String, host: String) -> String {
    subject(id, host: host, printableASCII: isPrintableASCII(id))
  }

  /// `subject(id, host:)` when whether `id` is printable ASCII is known already.
  static func subject(_ id: String, host: String, printableASCII: Bool) -> String {
    guard printableASCII else {
      let parts = id.split(separator: "/", maxSplits: 2)
      return parts.count == 3 ? String(parts[1]) : host
    }
    let bytes = id.utf8
    var parts = 0
    var second = bytes.startIndex..<bytes.startIndex
    var start = bytes.startIndex
    var i = bytes.startIndex
    while i != bytes.endIndex {
      if bytes[i] == UInt8(ascii: "/") {
        let nonEmpty = start != i
        if nonEmpty {
          parts += 1
          if parts == 2 { second = start..<i }
        }
        i = bytes.index(after: i)
        start = i
        if nonEmpty && parts == 2 { break }
        continue
      }
      i = bytes.index(after: i)
    }
    if start != bytes.endIndex { parts += 1 }
    return parts == 3 ? String(Substring(bytes[second])) : host
  }
}
