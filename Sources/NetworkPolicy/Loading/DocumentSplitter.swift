/// Splits a YAML stream into its documents at `---` lines, remembering the line each starts on, so one
/// broken document is reported at its real line and the others are still read. (SafeYAML's loader reads
/// one document; JSON is a single document and is never split.)
enum DocumentSplitter {
  struct Chunk {
    var bytes: [UInt8]
    /// Lines before the chunk's first line in the file.
    var lineOffset: Int
  }

  static func split(_ bytes: [UInt8]) -> [Chunk] {
    var chunks: [Chunk] = []
    var start = 0, startLine = 0, line = 0
    var i = 0
    let n = bytes.count
    while i < n {
      // At the start of a line: is it a document marker ("---" then end of line, space or tab)?
      if i != start, isMarker(bytes, at: i) {
        chunks.append(Chunk(bytes: Array(bytes[start..<i]), lineOffset: startLine))
        start = i
        startLine = line
      }
      // Skip to the next line.
      while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
      i += 1
      line += 1
    }
    if start < n { chunks.append(Chunk(bytes: Array(bytes[start..<n]), lineOffset: startLine)) }
    return chunks
  }

  private static func isMarker(_ b: [UInt8], at i: Int) -> Bool {
    guard i + 3 <= b.count, b[i] == UInt8(ascii: "-"), b[i + 1] == UInt8(ascii: "-"), b[i + 2] == UInt8(ascii: "-")
    else { return false }
    guard i + 3 < b.count else { return true }
    let next = b[i + 3]
    return next == UInt8(ascii: "\n") || next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")
      || next == UInt8(ascii: "\r")
  }
}
