@testable import Planning
import Testing

/// The text plan's id arithmetic takes a byte path for printable ASCII ids; it must agree with the
/// `Character` definitions it replaces on every id, ASCII or not.
@Suite struct PlanTextTests {
  static let ids = [
    "phase/host/name", "phase/host/name/more", "a//b/c", "/a/b/c", "a/b/", "a/b", "a", "", "//", "a/b//c", "///x/y/z",
    "étcd/hôst-1/start", "phase/ホスト/name", "a\u{301}/b/c", "a/b\r\n/c", "p/h\u{301}/n", "tab\t/h/n",
  ]

  @Test(arguments: ids)
  func subjectIsTheMiddleOfThreeParts(id: String) {
    let parts = id.split(separator: "/", maxSplits: 2)
    let expected = parts.count == 3 ? String(parts[1]) : "fallback"
    #expect(PlanText.subject(id, host: "fallback") == expected)
  }

  @Test(arguments: ids)
  func widthCountsCharacters(id: String) {
    #expect(PlanText.characterCount(id) == id.count)
  }

  @Test func linesEndInNewlines() {
    var text = PlanText(capacity: 0)
    text.line("a")
    text.append("b")
    text.line("c")
    #expect(text.text == "a\nbc\n")
  }
}

@Suite struct StreamedPlanTextTests {
  @Test func theStreamedTextIsTheRenderedText() throws {
    let phases = (0..<3).map { "  - {name: p\($0), hosts: all, order: {serial: 2}, steps: [{kind: directory, path: /d\($0)}, {kind: directory, path: /e\($0)}]}" }
    let inv = try PlannerTests().inventory(workers: 7)
    let plan = try Planner().plan(inv, playbook: try PlannerTests().playbook(phases.joined(separator: "\n") + "\n").get()).get()
    var pieces: [String] = []
    plan.writeText(chunk: 200) { pieces.append(String(decoding: $0, as: UTF8.self)) }
    #expect(pieces.count > 5, "small chunks: many pieces")
    #expect(pieces.dropLast().allSatisfy { $0.utf8.count >= 200 && $0.hasSuffix("\n") })
    #expect(pieces.joined() == plan.renderedText())
  }
}
