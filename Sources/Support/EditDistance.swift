/// Edit distance with adjacent transpositions counted as one edit (optimal string alignment),
/// for "did you mean" hints: "fiel" is one edit from "file".
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.lowercased()), b = Array(b.lowercased())
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in 0...a.count { d[i][0] = i }
  for j in 0...b.count { d[0][j] = j }
  for i in 1...a.count {
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
      }
    }
  }
  return d[a.count][b.count]
}

/// The closest candidate within a distance that scales with the word's length, if any.
public func closestMatch(to word: String, in candidates: some Sequence<String>) -> String? {
  let limit = Swift.max(1, word.count / 3)
  var best: (String, Int)?
  for candidate in candidates {
    let d = editDistance(word, candidate)
    if d <= limit, d < candidate.count, d < (best?.1 ?? Int.max) { best = (candidate, d) }
  }
  return best?.0
}

/// `did you mean "x"?`, or a list of the valid choices when nothing is close.
public func suggestion(for word: String, in candidates: [String]) -> String {
  if let match = closestMatch(to: word, in: candidates) { return "did you mean \"\(match)\"?" }
  return "expected one of: " + candidates.joined(separator: ", ")
}
