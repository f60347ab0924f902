/// A unified diff of two texts, line by line (longest common subsequence), with three lines of
/// context: what `drift` shows for a text file that differs.
public enum UnifiedDiff {
  public static func make(from old: String, to new: String, oldName: String, newName: String, context: Int = 3) -> String {
    let a = lines(old), b = lines(new)
    // Longest-common-subsequence table; configuration files are small.
    var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    enum Op { case same(String), del(String), add(String) }
    var ops: [Op] = []
    var i = 0, j = 0
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] { ops.append(.same(a[i])); i += 1; j += 1 }
      else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] { ops.append(.del(a[i])); i += 1 }
      else { ops.append(.add(b[j])); j += 1 }
    }
    guard ops.contains(where: { if case .same = $0 { false } else { true } }) else { return "" }
    // Group changes with their context into hunks.
    var out = "--- \(oldName)\n+++ \(newName)\n"
    var k = 0
    var oldLine = 1, newLine = 1
    var positions: [(old: Int, new: Int)] = []
    for op in ops {
      positions.append((oldLine, newLine))
      switch op {
      case .same: oldLine += 1; newLine += 1
      case .del: oldLine += 1
      case .add: newLine += 1
      }
    }
    while k < ops.count {
      guard let firstChange = ops[k...].firstIndex(where: { if case .same = $0 { false } else { true } }) else { break }
      let start = max(k, firstChange - context)
      var end = firstChange
      var quiet = 0
      var m = firstChange
      while m < ops.count {
        if case .same = ops[m] { quiet += 1; if quiet > 2 * context { break } } else { quiet = 0; end = m }
        m += 1
      }
      let stop = min(ops.count, end + context + 1)
      var body = "", oldCount = 0, newCount = 0
      for op in ops[start..<stop] {
        switch op {
        case .same(let l): body += " \(l)\n"; oldCount += 1; newCount += 1
        case .del(let l): body += "-\(l)\n"; oldCount += 1
        case .add(let l): body += "+\(l)\n"; newCount += 1
        }
      }
      out += "@@ -\(positions[start].old),\(oldCount) +\(positions[start].new),\(newCount) @@\n" + body
      k = stop
    }
    return out
  }

  static func lines(_ text: String) -> [String] {
    var l = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if l.last == "" { l.removeLast() }
    return l
  }
}
