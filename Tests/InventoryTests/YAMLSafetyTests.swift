import Foundation
import Inventory
@testable import SafeYAML
import Support
import Testing

@Suite struct YAMLSafetyTests {
  let loader = YAMLLoader()

  func problems(_ text: String) -> [Diagnostic] {
    switch loader.parse(Array(text.utf8), file: "t.yaml") {
    case .success: return []
    case .failure(let e): return e.diagnostics
    }
  }

  @Test func billionLaughsIsRefusedBeforeExpanding() {
    var text = "a: &a [\(Array(repeating: "\"lol\"", count: 10).joined(separator: ","))]\n"
    var previous = "a"
    for level in "bcdefghijklmnop" {
      text += "\(level): &\(level) [\(Array(repeating: "*\(previous)", count: 10).joined(separator: ","))]\n"
      previous = String(level)
    }
    let d = problems(text)
    #expect(d.map(\.code) == ["alias-budget"])
  }

  @Test func aliasToCollectionAsKeyIsRefused() {
    let d = problems("a: &a [x, y]\nb: {*a : 1}\n")
    #expect(d.map(\.code) == ["alias-key"])
    #expect(d.first?.location?.line == 2)
  }

  @Test func normalAliasesAreAccepted() {
    var text = "base: &base {user: root, port: 22}\nhosts:\n"
    for i in 0..<2000 { text += "  - {name: h\(i), ssh: *base}\n" }
    #expect(problems(text).isEmpty)
  }

  @Test func duplicateKeysPointAtTheSecondOccurrence() {
    let d = problems("a: 1\nb:\n  c: 1\n  c: 2\n")
    #expect(d.map(\.code) == ["duplicate-key"])
    #expect(d.first?.location == SourceLocation(file: "t.yaml", line: 4, column: 3))
    #expect(d.first?.path == "b.c")
    #expect(problems("a: 1\na: 2\n").first?.path == "a")
    #expect(problems("hosts:\n  - {name: a}\n  - {name: b, name: c}\n").first?.path == "hosts[1].name")
  }

  @Test func oversizedInputIsRefusedBySize() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-big-\(getpid()).yaml").path
    let line = Array("# padding padding padding padding padding padding padding padding\n".utf8)
    var bytes: [UInt8] = []
    while bytes.count <= 9 << 20 { bytes += line }
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard case .failure(let e) = loader.load(path: path) else {
      Issue.record("a 9 MiB file must be refused")
      return
    }
    #expect(e.diagnostics.map(\.code) == ["file-too-large"])
  }

  @Test func binaryAndNonUTF8AreRefusedWithPositions() {
    guard case .failure(let bin) = loader.parse([0x61, 0x3A, 0x20, 0x00, 0x01], file: "b") else {
      Issue.record("binary must be refused")
      return
    }
    #expect(bin.diagnostics.map(\.code) == ["binary-input"])
    guard case .failure(let latin1) = loader.parse(Array("a: 1\nb: caf".utf8) + [0xE9, 0x0A], file: "l") else {
      Issue.record("latin-1 must be refused")
      return
    }
    #expect(latin1.diagnostics.first?.location == SourceLocation(file: "l", line: 2, column: 7))
  }

  @Test func syntaxErrorsCarryPositions() {
    let d = problems("a: [1, 2\nb: 3\n")
    #expect(d.map(\.code) == ["yaml-syntax"])
    #expect(d.first?.location?.line == 2)
  }

  @Test func deepNestingIsRefusedInBulwarksWords() {
    func nested(_ n: Int) -> String { "a:\n  b: " + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "\n" }
    let d = problems(nested(300))
    #expect(d.map(\.code) == ["yaml-too-deep"])
    #expect(d.first?.location == SourceLocation(file: "t.yaml", line: 2, column: 6 + EventPrepass.maxDepth - 2))
    #expect(d.first?.path == "a.b" + String(repeating: "[0]", count: EventPrepass.maxDepth - 2))
    // Deeper still, libyaml's scanner stops first: the same words, with its position.
    let deeper = problems(nested(20_000))
    #expect(deeper.map(\.code) == ["yaml-too-deep"])
    #expect(deeper.first?.location?.line == 2)
    #expect((d + deeper).allSatisfy { !$0.rendered.contains("yaml_") && !$0.rendered.contains("libyaml") }, "no libyaml API names")
    let blocks = (0..<2_000).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
    #expect(problems(blocks).map(\.code) == ["yaml-too-deep"])
  }

  @Test func nestingWithinTheLimitIsAccepted() {
    let depth = EventPrepass.maxDepth - 1
    #expect(problems("a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n").isEmpty)
  }

  @Test func emptyDocumentIsAnError() {
    #expect(problems("# nothing here\n").map(\.code) == ["empty-document"])
  }
}

@Suite struct NetworkTypesTests {
  @Test func cidrContainmentAndOverlap() throws {
    let pod = try #require(CIDR("10.244.0.0/16"))
    #expect(pod.contains(try #require(IPAddress("10.244.3.1"))))
    #expect(!pod.contains(try #require(IPAddress("10.245.0.1"))))
    #expect(pod.overlaps(try #require(CIDR("10.0.0.0/8"))))
    #expect(!pod.overlaps(try #require(CIDR("10.96.0.0/12"))))
    #expect(CIDR("10.0.0.0/33") == nil)
    #expect(CIDR("fd00::/8")?.contains(try #require(IPAddress("fd12::1"))) == true)
  }

  @Test func addresses() {
    #expect(HostAddress("10.0.0.300") == nil)
    #expect(HostAddress("1.2.3") == nil, "a mistyped IPv4 is not a host name")
    #expect(HostAddress("cp-1.example.com") != nil)
    #expect(HostAddress("::1")?.ip != nil)
  }

  @Test func versions() {
    #expect(Version("v1.31.2") == Version("1.31.2"))
    #expect(Version("3.5") == nil)
    #expect(Version("3.4.23")! < Version("3.5.0")!)
  }
}
