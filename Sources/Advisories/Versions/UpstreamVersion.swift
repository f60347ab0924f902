import Foundation

/// A version as the projects publish it: `1.32.0`, `v1.29.4`, `1.32.0-rc.1`, `1.0.0-rc93`, OpenSSH's
/// `9.2p1`. Dotted numbers, an optional OpenSSH portable suffix `pN`, an optional pre-release after `-`;
/// build metadata after `+` is ignored, as semver says.
///
/// Ordering is semver's, with one deliberate difference: a pre-release identifier that mixes letters
/// and digits (`rc93`) compares in runs, so `rc10` sorts after `rc9` as runc's history needs.
/// `0` is the OSV "since the beginning" version and sorts first.
public struct UpstreamVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
  public let numbers: [Int]
  /// OpenSSH portable release number (`p1` in `9.2p1`); nil elsewhere.
  public let portable: Int?
  /// Dot-separated pre-release identifiers; empty for a release.
  public let prerelease: [String]
  /// The text as written (without a leading `v`), for messages.
  public let text: String

  /// The OSV `introduced: "0"` origin.
  public static let origin = UpstreamVersion(numbers: [0], portable: nil, prerelease: [], text: "0")

  init(numbers: [Int], portable: Int?, prerelease: [String], text: String) {
    self.numbers = numbers
    self.portable = portable
    self.prerelease = prerelease
    self.text = text
  }

  /// Parses a version; nil when the text is not one (the caller names the string in its error).
  public init?(_ raw: String) {
    var s = Substring(raw.trimmingCharacters(in: .whitespaces))
    if s.first == "v" || s.first == "V" { s = s.dropFirst() }
    if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
    guard !s.isEmpty else { return nil }
    var core = s
    var pre: [String] = []
    if let dash = s.firstIndex(of: "-") {
      core = s[..<dash]
      let tail = s[s.index(after: dash)...]
      pre = tail.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard !pre.isEmpty, pre.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) else {
        return nil
      }
    }
    var portable: Int?
    if let p = core.firstIndex(of: "p") {
      guard let n = Int(core[core.index(after: p)...]) else { return nil }
      portable = n
      core = core[..<p]
    }
    let parts = core.split(separator: ".", omittingEmptySubsequences: false)
    var numbers: [Int] = []
    for part in parts {
      guard !part.isEmpty, part.allSatisfy(\.isASCII), let n = Int(part), n >= 0 else { return nil }
      numbers.append(n)
    }
    guard !numbers.isEmpty, numbers.count <= 4 else { return nil }
    self.init(numbers: numbers, portable: portable, prerelease: pre, text: String(s))
  }

  public var major: Int { numbers[0] }
  public var minor: Int { numbers.count > 1 ? numbers[1] : 0 }
  public var isPrerelease: Bool { !prerelease.isEmpty }

  /// The release line a fix is backported along: `major.minor` (`1.29`, `3.5`, `9.2`).
  public var line: String { "\(major).\(minor)" }

  public var description: String { text }

  public static func < (a: UpstreamVersion, b: UpstreamVersion) -> Bool { compare(a, b) < 0 }
  public static func == (a: UpstreamVersion, b: UpstreamVersion) -> Bool { compare(a, b) == 0 }
  public func hash(into hasher: inout Hasher) {
    var trimmed = numbers
    while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
    hasher.combine(trimmed)
    hasher.combine(portable ?? 0)
    hasher.combine(prerelease)
  }

  static func compare(_ a: UpstreamVersion, _ b: UpstreamVersion) -> Int {
    for i in 0..<max(a.numbers.count, b.numbers.count) {
      let x = i < a.numbers.count ? a.numbers[i] : 0
      let y = i < b.numbers.count ? b.numbers[i] : 0
      if x != y { return x < y ? -1 : 1 }
    }
    let pa = a.portable ?? 0, pb = b.portable ?? 0
    if pa != pb { return pa < pb ? -1 : 1 }
    switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
    case (true, true): return 0
    case (true, false): return 1
    case (false, true): return -1
    case (false, false): break
    }
    for i in 0..<min(a.prerelease.count, b.prerelease.count) {
      let c = compareIdentifier(a.prerelease[i], b.prerelease[i])
      if c != 0 { return c }
    }
    return a.prerelease.count == b.prerelease.count ? 0 : (a.prerelease.count < b.prerelease.count ? -1 : 1)
  }

  /// Numeric identifiers compare as numbers and before alphanumeric ones (semver); alphanumeric ones
  /// compare run by run, digits as numbers, so `rc9 < rc10`.
  static func compareIdentifier(_ x: String, _ y: String) -> Int {
    let nx = Int(x), ny = Int(y)
    switch (nx, ny) {
    case let (a?, b?): return a == b ? 0 : (a < b ? -1 : 1)
    case (.some, nil): return -1
    case (nil, .some): return 1
    case (nil, nil): break
    }
    let rx = runs(x), ry = runs(y)
    for i in 0..<min(rx.count, ry.count) {
      let c = compareRun(rx[i], ry[i])
      if c != 0 { return c }
    }
    return rx.count == ry.count ? 0 : (rx.count < ry.count ? -1 : 1)
  }

  private static func runs(_ s: String) -> [Substring] {
    var out: [Substring] = []
    var start = s.startIndex
    var i = s.startIndex
    while i < s.endIndex {
      let next = s.index(after: i)
      if next == s.endIndex || s[next].isNumber != s[i].isNumber {
        out.append(s[start..<next])
        start = next
      }
      i = next
    }
    return out
  }

  private static func compareRun(_ a: Substring, _ b: Substring) -> Int {
    if let x = Int(a), let y = Int(b) { return x == y ? 0 : (x < y ? -1 : 1) }
    if Int(a) != nil { return -1 }
    if Int(b) != nil { return 1 }
    return a == b ? 0 : (a < b ? -1 : 1)
  }
}
