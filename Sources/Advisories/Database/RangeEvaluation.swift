/// OSV's evaluation of a range over sorted events: `introduced` opens at its version, `fixed` closes at
/// its version (the fixed version is not affected), `last_affected` closes just after its version.
extension VersionRange {
  public func contains(_ v: UpstreamVersion) -> Bool {
    var affected = false
    for e in events {
      switch e {
      case .introduced(let x): if v >= x { affected = true }
      case .fixed(let x): if v >= x { affected = false }
      case .lastAffected(let x): if v > x { affected = false }
      }
    }
    return affected
  }
}

/// Where the fix for an affected version is.
public enum FixAdvice: Hashable, Sendable, CustomStringConvertible {
  /// The lowest fixed version on the same release line (`3.5.1` → `3.5.8`).
  case sameLine(UpstreamVersion)
  /// No fix on this line; the lowest fixed version above it, on a later line.
  case laterLine(UpstreamVersion)
  /// A distribution package revision that carries the fix (Debian backport).
  case package(DebianVersion)
  /// No fixed version is published (only `last_affected`, or no closing event at all).
  case none

  public var description: String {
    switch self {
    case .sameLine(let v): return "fixed in \(v)"
    case .laterLine(let v): return "no fix on this line; fixed in \(v)"
    case .package(let v): return "fixed in package \(v)"
    case .none: return "no fixed version published"
    }
  }

  /// The upstream version to upgrade to, when there is one.
  public var upstream: UpstreamVersion? {
    switch self {
    case .sameLine(let v), .laterLine(let v): return v
    case .package, .none: return nil
    }
  }
}

extension Affected {
  public func contains(_ v: UpstreamVersion) -> Bool { ranges.contains { $0.contains(v) } }

  /// The nearest fix above `v`: on its own line if there is one, else the lowest later one.
  public func fix(for v: UpstreamVersion) -> FixAdvice {
    let fixes = ranges.flatMap(\.events).compactMap { e -> UpstreamVersion? in
      if case .fixed(let x) = e, x > v { return x } else { return nil }
    }.filter { !contains($0) }
    if let same = fixes.filter({ $0.line == v.line }).min() { return .sameLine(same) }
    if let later = fixes.min() { return .laterLine(later) }
    return .none
  }
}
