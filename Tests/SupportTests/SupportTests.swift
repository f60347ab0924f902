import Foundation
import KnownHosts
import Support
import Testing

@Suite struct DirectedGraphTests {
  @Test func topologicalOrderIsStableAndRespectsEdges() throws {
    var g = DirectedGraph()
    for n in ["a", "b", "c", "d"] { g.add(n) }
    g.add("c", dependsOn: "d")
    g.add("a", dependsOn: "b")
    let order = try g.topologicalOrder().get()
    #expect(order == ["b", "a", "d", "c"])
  }

  @Test func cycleIsReportedWithItsMembers() {
    var g = DirectedGraph()
    g.add("x")
    g.add("a", dependsOn: "b")
    g.add("b", dependsOn: "c")
    g.add("c", dependsOn: "a")
    guard case .failure(let e) = g.topologicalOrder() else {
      Issue.record("expected a cycle")
      return
    }
    #expect(Set(e.cycle) == ["a", "b", "c"])
    #expect(e.description.hasPrefix("dependency cycle: "))
  }

  @Test func descendantsAreTransitive() {
    var g = DirectedGraph()
    g.add("b", dependsOn: "a")
    g.add("c", dependsOn: "b")
    g.add("d", dependsOn: "x")
    #expect(g.descendants(of: "a") == ["b", "c"])
  }
}

@Suite struct SmallHelpersTests {
  @Test(arguments: [
    (["echo", "hello"], "echo hello"),
    (["sh", "-c", "a && b"], "sh -c 'a && b'"),
    (["printf", "it's"], "printf 'it'\\''s'"),
    (["x", ""], "x ''"),
    // Outside ASCII, a combining mark on a safe letter, CR LF (one character): quoted.
    (["echo", "café"], "echo 'café'"),
    (["echo", "a\u{301}"], "echo 'a\u{301}'"),
    (["echo", "a\r\nb"], "echo 'a\r\nb'"),
    (["echo", "@%+=:,./-_09AZaz"], "echo @%+=:,./-_09AZaz"),
    // A quote carrying a combining mark is another character: only the plain one is escaped.
    (["echo", "'\u{301}x'"], "echo ''\u{301}x'\\'''"),
  ])
  func quoting(argv: [String], expected: String) {
    #expect(ShellQuoting.commandLine(argv) == expected)
  }

  @Test func suggestions() {
    #expect(closestMatch(to: "adress", in: ["address", "port"]) == "address")
    #expect(closestMatch(to: "zzzzzz", in: ["address", "port"]) == nil)
    #expect(closestMatch(to: "fiel", in: ["file", "files"]) == "file", "a transposition is one edit")
    #expect(editDistance("wokrer", "worker") == 1)
    #expect(suggestion(for: "qq", in: ["a", "b"]) == "expected one of: a, b")
  }

  @Test func redactedNeverPrints() {
    let secret = Redacted("hunter2")
    #expect("\(secret)" == "<redacted>")
    #expect(String(reflecting: secret) == "<redacted>")
    #expect(secret.revealed() == "hunter2")
  }

  @Test func diagnosticRendering() {
    let d = Diagnostic.error(
      "x", "bad", at: SourceLocation(file: "f.yaml", line: 3, column: 5), path: "spec.a", hint: "fix it")
    #expect(d.rendered == "f.yaml:3:5: error: bad [x]\n    at: spec.a\n    hint: fix it")
  }
}

@Suite struct KnownHostsTests {
  let key = "AAAAC3NzaC1lZDI1NTE5AAAAIJdW6y7yxDSzx4Crf5l6Pz5lWGRKjV8dK4WWv8l1hTkG"

  @Test func plainEntriesFollowOpenSSHPortRules() {
    let k = KnownHosts(text: """
      # comment
      10.0.0.1,host-a ssh-ed25519 \(key)
      [10.0.0.2]:2222 ssh-ed25519 \(key)
      10.0.1.* ssh-ed25519 \(key)
      @revoked 10.0.0.9 ssh-ed25519 \(key)
      """)
    #expect(k.contains(host: "10.0.0.1", port: 22))
    #expect(k.contains(host: "host-a", port: 22))
    #expect(!k.contains(host: "10.0.0.1", port: 2222), "a port-less entry must not match another port")
    #expect(k.contains(host: "10.0.0.2", port: 2222))
    #expect(!k.contains(host: "10.0.0.2", port: 22))
    #expect(k.contains(host: "10.0.1.77", port: 22))
    #expect(!k.contains(host: "10.0.0.9", port: 22), "revoked keys do not count")
  }

  @Test func hashedEntriesWrittenByOpenSSHMatch() {
    // Produced by `ssh-keygen -H` from "10.0.0.1 …" and "[10.0.0.3]:2222 …".
    let k = KnownHosts(text: """
      |1|WVLDHdK8jRMVhqqhPu8Pjf1i5xk=|y7SDQ+EpT87YLxK4oRLPoLfl2vg= ssh-ed25519 \(key)
      |1|35atKvp4nOiX3DKP7UG6FD67CrM=|Tn/GB6Cuh3w+LaYYLnP8uHhTqSY= ssh-ed25519 \(key)
      """)
    #expect(k.contains(host: "10.0.0.1", port: 22))
    #expect(k.contains(host: "10.0.0.3", port: 2222))
    #expect(!k.contains(host: "10.0.0.3", port: 22))
    #expect(!k.contains(host: "10.0.0.2", port: 22))
  }

  @Test func fingerprintMatchesSshKeygen() {
    #expect(KnownHosts.fingerprint(keyBase64: key) == "SHA256:UtHtG9FnifIUV7ZBmBjs6wOh3pMtzbGKmXecA3NAkSQ")
  }
}

/// The host-side digest: OpenSSL where the host has it, sha256sum where it does not, the same
/// digest first either way, and a failure for a file neither can read.
@Suite struct ShellDigestTests {
  /// Runs `script` under /bin/sh with PATH limited to `path`; stdout and the exit status.
  func sh(_ script: String, path: String) throws -> (String, Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", script]
    p.environment = ["PATH": path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
  }

  @Test func withAndWithoutOpenSSLTheDigestComesFirst() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-digest-\(getpid())").path
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: "\(dir)/bin", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: "\(dir)/file", contents: Data("abc".utf8))
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    let script = ShellDigest.sha256(into: "d", of: ShellQuoting.quote("\(dir)/file")) + " || exit; echo \"${d%% *}\""
    let hasOpenSSL = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    #expect(try sh(script, path: "/usr/bin:/bin") == ("\(abc)\n", 0), "openssl present: \(hasOpenSSL)")
    // A host without OpenSSL: only sha256sum on PATH.
    try FileManager.default.createSymbolicLink(atPath: "\(dir)/bin/sha256sum", withDestinationPath: "/usr/bin/sha256sum")
    #expect(try sh(script, path: "\(dir)/bin") == ("\(abc)\n", 0))
    let missing = ShellDigest.sha256(into: "d", of: ShellQuoting.quote("\(dir)/absent")) + " || exit 9; echo \"$d\""
    #expect(try sh(missing, path: "/usr/bin:/bin").1 == 9)
  }
}
