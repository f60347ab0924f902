import Foundation

/// A Debian package version, `[epoch:]upstream[-revision]`, ordered exactly as dpkg orders them
/// (deb-version(7), dpkg's `verrevcmp`): epochs numerically; then upstream and revision each compared
/// as alternating non-digit and digit runs, where `~` sorts before everything (even the end of the
/// string), letters before other characters, and digit runs numerically. This is what makes a
/// distribution backport such as `1:9.2p1-2+deb12u3` count as newer than `1:9.2p1-2`.
public struct DebianVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
  public let epoch: Int
  public let upstream: String
  /// Empty when the version has no `-revision` (dpkg treats that as revision "0"-equivalent: empty).
  public let revision: String

  /// Parses a version; nil for text dpkg would refuse (empty upstream, bad epoch, characters outside
  /// deb-version's alphabet, upstream not starting with a digit).
  public init?(_ raw: String) {
    let s = raw.trimmingCharacters(in: .whitespaces)
    var rest = Substring(s)
    var epoch = 0
    if let colon = rest.firstIndex(of: ":") {
      guard let e = Int(rest[..<colon]), e >= 0 else { return nil }
      epoch = e
      rest = rest[rest.index(after: colon)...]
    }
    var revision = ""
    if let dash = rest.lastIndex(of: "-") {
      revision = String(rest[rest.index(after: dash)...])
      rest = rest[..<dash]
      guard !revision.isEmpty else { return nil }
    }
    guard let first = rest.first, first.isASCII, first.isNumber else { return nil }
    let allowedUpstream = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-~:")
    let allowedRevision = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+~")
    guard rest.allSatisfy({ allowedUpstream.contains($0) }), revision.allSatisfy({ allowedRevision.contains($0) })
    else { return nil }
    self.epoch = epoch
    self.upstream = String(rest)
    self.revision = revision
  }

  public var description: String {
    (epoch > 0 ? "\(epoch):" : "") + upstream + (revision.isEmpty ? "" : "-" + revision)
  }

  /// The upstream part without Debian repacking suffixes (`~ds1`, `+dfsg`, `+really…`), for matching
  /// against upstream advisories when the distribution has no fix record of its own.
  public var upstreamRelease: UpstreamVersion? {
    let cut = upstream.firstIndex { $0 == "~" || $0 == "+" } ?? upstream.endIndex
    return UpstreamVersion(String(upstream[..<cut]))
  }

  public static func < (a: DebianVersion, b: DebianVersion) -> Bool { compare(a, b) < 0 }
  public static func == (a: DebianVersion, b: DebianVersion) -> Bool { compare(a, b) == 0 }
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }

  public static func compare(_ a: DebianVersion, _ b: DebianVersion) -> Int {
    if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
    let u = verrevcmp(Array(a.upstream.utf8), Array(b.upstream.utf8))
    if u != 0 { return u }
    return verrevcmp(Array(a.revision.utf8), Array(b.revision.utf8))
  }

  /// dpkg's character weight for the non-digit parts: `~` lowest, end of string next, then letters,
  /// then every other character by its code plus 256.
  private static func order(_ c: UInt8?) -> Int {
    guard let c else { return 0 }
    if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { return 0 }
    if (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) {
      return Int(c)
    }
    if c == UInt8(ascii: "~") { return -1 }
    return Int(c) + 256
  }

  private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

  private static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
    var i = 0, j = 0
    while i < a.count || j < b.count {
      var firstDiff = 0
      while (i < a.count && !isDigit(a[i])) || (j < b.count && !isDigit(b[j])) {
        let ac = order(i < a.count ? a[i] : nil), bc = order(j < b.count ? b[j] : nil)
        if ac != bc { return ac < bc ? -1 : 1 }
        i += 1
        j += 1
      }
      while i < a.count && a[i] == UInt8(ascii: "0") { i += 1 }
      while j < b.count && b[j] == UInt8(ascii: "0") { j += 1 }
      while i < a.count && isDigit(a[i]) && j < b.count && isDigit(b[j]) {
        if firstDiff == 0 { firstDiff = Int(a[i]) - Int(b[j]) }
        i += 1
        j += 1
      }
      if i < a.count && isDigit(a[i]) { return 1 }
      if j < b.count && isDigit(b[j]) { return -1 }
      if firstDiff != 0 { return firstDiff < 0 ? -1 : 1 }
    }
    return 0
  }
}
