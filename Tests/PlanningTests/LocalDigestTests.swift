import Foundation
import Planning
import Testing

/// A local file's digest is read again whenever the file may have changed, even to a content of
/// the same size written within the same second, and not otherwise.
@Suite struct LocalDigestTests {
  @Test func aChangedFileIsHashedAgain() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-digest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data("aaa".utf8).write(to: URL(fileURLWithPath: path))
    let first = try LocalDigest.sha256(ofFile: path)
    #expect(first == "9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0")
    #expect(try LocalDigest.sha256(ofFile: path) == first)
    // Same size, written in place at once: the status-change time moves, so it is read again.
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.write(contentsOf: Data("bbb".utf8))
    try handle.close()
    #expect(try LocalDigest.sha256(ofFile: path) == "3e744b9dc39389baf0c5a0660589b8402f3dbb49b89b3e75f2c9355852a3c677")
    // Replaced by another file under the same name.
    try Data("aaa".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    #expect(try LocalDigest.sha256(ofFile: path) == first)
  }
}
