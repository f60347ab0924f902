/// A calendar date without a time zone (`2026-12-31`): waiver expiries and end-of-life dates are
/// days, and comparing them as days avoids the off-by-one that time zones bring.
public struct Day: Hashable, Sendable, Comparable, CustomStringConvertible {
  public let year: Int, month: Int, day: Int

  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m)
    else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    guard (1...days).contains(d) else { return nil }
    year = y
    month = m
    day = d
  }

  public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

  public var description: String {
    let mm = month < 10 ? "0\(month)" : "\(month)", dd = day < 10 ? "0\(day)" : "\(day)"
    return "\(year)-\(mm)-\(dd)"
  }
}
