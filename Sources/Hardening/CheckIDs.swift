/// The check IDs a step or file covers, written short ("H1-H3, E8-E10, E13") and computed from the
/// catalogue entries themselves, so step summaries and file headers never name a stale range.
enum CheckIDs {
  /// Distinct IDs grouped by their letter prefix (in order of first appearance), numbers ascending,
  /// runs of consecutive numbers as `A-B`. An ID without a trailing number is kept as it is.
  static func summary(_ checks: [Check]) -> String {
    var prefixes: [String] = [], numbers: [String: Set<Int>] = [:], plain: [String] = []
    for id in checks.map(\.id) {
      let digits = id.reversed().prefix { $0.isNumber }
      guard let n = Int(String(digits.reversed())), digits.count < id.count else {
        if !plain.contains(id) { plain.append(id) }
        continue
      }
      let prefix = String(id.dropLast(digits.count))
      if numbers[prefix] == nil { prefixes.append(prefix) }
      numbers[prefix, default: []].insert(n)
    }
    var parts: [String] = []
    for prefix in prefixes {
      var run: (first: Int, last: Int)?
      func close() {
        guard let r = run else { return }
        parts.append(r.first == r.last ? "\(prefix)\(r.first)" : "\(prefix)\(r.first)-\(prefix)\(r.last)")
      }
      for n in (numbers[prefix] ?? []).sorted() {
        if let r = run, n == r.last + 1 { run = (r.first, n) } else { close(); run = (n, n) }
      }
      close()
    }
    return (parts + plain).joined(separator: ", ")
  }
}
