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
