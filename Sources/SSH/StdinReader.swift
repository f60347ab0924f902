import Foundation
import Remote

/// Feeds a command's standard input from memory or a file, in chunks.
struct StdinReader {
  private var bytes: [UInt8] = []
  private var offset = 0
  private var file: FileHandle?
  private let chunk = 1 << 20

  init(_ source: SSHSession.Stdin, id: HostID) throws {
    switch source {
    case .none: break
    case .bytes(let b): bytes = b
    case .file(let path):
      guard let h = FileHandle(forReadingAtPath: path) else {
        throw RemoteError(.transferFailure, host: id, "cannot read \(path)")
      }
      file = h
    }
  }

  /// The next unsent bytes, or nil at the end.
  mutating func peek() throws -> ArraySlice<UInt8>? {
    if offset < bytes.count { return bytes[offset..<min(bytes.count, offset + chunk)] }
    guard let file else { return nil }
    let data = try file.read(upToCount: chunk) ?? Data()
    if data.isEmpty {
      try? file.close()
      self.file = nil
      return nil
    }
    bytes = [UInt8](data)
    offset = 0
    return bytes[0..<bytes.count]
  }

  mutating func consume(_ n: Int) { offset += n }
}
