import Crypto
import Foundation
import SSH
import Support
import Testing
import TestSupport

/// The upload's host-side script, per variant, against goldens; and each variant run by `sh` on
/// this machine: the bytes, the mode, no temporary file left, a taken temporary name, a bad digest.
@Suite struct UploadScriptTests {
  static let goldens = repositoryRoot() + "/Tests/SSHTests/Goldens/upload"

  @Test(arguments: [(0o644, false, "root-0644"), (0o755, false, "root-0755"), (0o600, true, "owned-0600")] as [(UInt32, Bool, String)])
  func scriptMatchesItsGolden(mode: UInt32, setOwner: Bool, name: String) {
    let mismatch = goldenMismatch(UploadScript.render(mode: mode, setOwner: setOwner), file: "\(Self.goldens)/\(name).sh")
    #expect(mismatch == nil, "\(mismatch ?? "")")
  }

  /// Runs the script as this user (`setOwner` chowns to this user's own uid:gid, allowed unprivileged).
  /// `before` runs first in the same process, so its `$$` is the script's.
  func upload(_ bytes: [UInt8], to target: String, mode: UInt32, digest: String? = nil, before: String = ":") async throws -> ChildProcess.Result {
    let dir = NSTemporaryDirectory() + "upload-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let input = "\(dir).in"
    _ = FileManager.default.createFile(atPath: input, contents: Data(bytes))
    let sum = digest ?? hexString(SHA256.hash(data: bytes))
    let me = "\(getuid()):\(getgid())"
    let line = "\(before); exec sh -c \"$0\" sh \"$1\" \"$2\" \"$3\" \"$4\" < \"$5\""
    return try await ChildProcess.run("/bin/sh", ["-c", line, UploadScript.render(mode: mode, setOwner: true), target, sum, String(mode, radix: 8), me, input])
  }

  @Test func eachVariantWritesTheBytesWithTheModeAndLeavesNoTemporaryFile() async throws {
    for mode: UInt32 in [0o644, 0o600, 0o755, 0o4750] {
      let dir = NSTemporaryDirectory() + "upload-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      let bytes = Array("mode \(mode)\n".utf8)
      let r = try await upload(bytes, to: "\(dir)/target", mode: mode)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(FileManager.default.contents(atPath: "\(dir)/target").map(Array.init) == bytes)
      let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/target")
      #expect((attributes[.posixPermissions] as? Int).map { UInt32($0) } == mode)
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["target"])
    }
  }

  @Test func aTakenTemporaryNameIsNeitherWrittenThroughNorLost() async throws {
    let dir = NSTemporaryDirectory() + "upload-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // A symlink under the name the script would take first (its PID is the planting shell's).
    let victim = "\(dir)/victim"
    _ = FileManager.default.createFile(atPath: victim, contents: Data("keep\n".utf8))
    let r = try await upload(Array("new\n".utf8), to: "\(dir)/target", mode: 0o644, before: "ln -s victim \"\(dir)/.bulwark-upload.$$\"")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(FileManager.default.contents(atPath: "\(dir)/target") == Data("new\n".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".bulwark-upload.") }.count == 1, "only the planted link is left")
    #expect(FileManager.default.contents(atPath: victim) == Data("keep\n".utf8), "the symlink's target is untouched")
  }

  @Test func aDigestThatDiffersFailsWith65AndLeavesTheTargetAsItWas() async throws {
    let dir = NSTemporaryDirectory() + "upload-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: "\(dir)/target", contents: Data("old\n".utf8))
    let r = try await upload(Array("new\n".utf8), to: "\(dir)/target", mode: 0o644, digest: String(repeating: "0", count: 64))
    #expect(r.status == 65 && r.stderr.contains("sha256 mismatch after upload"))
    #expect(FileManager.default.contents(atPath: "\(dir)/target") == Data("old\n".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["target"], "the temporary file is removed")
  }
}
