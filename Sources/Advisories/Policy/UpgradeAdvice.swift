/// Which version to move to: the lowest that clears every advisory Bulwark knows for the component,
/// within the version-skew rule (Kubernetes: one minor at a time).
public struct UpgradeAdvice: Hashable, Sendable {
  public var component: Component
  public var from: UpstreamVersion
  public var target: UpstreamVersion
}

extension AdvisoryDatabase {
  /// The lowest version above `from` that no advisory affects (given `conditions`; unknown ones count), taken from
  /// `candidates` or, when none are given, from the fixed versions in the data; at most
  /// `maxMinorStep` minors ahead on the same major (nil: no limit). Pre-releases are never advised.
  /// nil when no candidate within the step clears the findings.
  public func lowestClearingVersion(
    component: Component, from: UpstreamVersion, candidates: [UpstreamVersion]? = nil,
    maxMinorStep: Int? = nil, conditions: ConditionFacts = [:]
  ) -> UpgradeAdvice? {
    let pool = candidates ?? fixedVersions(component)
    let eligible = Set(pool).filter { v in
      guard v > from, !v.isPrerelease, v.major == from.major else { return false }
      if let step = maxMinorStep, v.minor - from.minor > step { return false }
      return endOfLife(component: component, version: v) == nil || v.line == from.line
    }.sorted()
    for v in eligible {
      if matches(component: component, version: v, conditions: conditions).isEmpty {
        return UpgradeAdvice(component: component, from: from, target: v)
      }
    }
    return nil
  }

  /// The default step for a component: Kubernetes moves one minor at a time; others are unlimited.
  public static func defaultMinorStep(_ c: Component) -> Int? { c.isKubernetes ? 1 : nil }

  func fixedVersions(_ component: Component) -> [UpstreamVersion] {
    data.advisories.flatMap(\.affected).filter { $0.components.contains(component) }
      .flatMap(\.ranges).flatMap(\.events).compactMap { if case .fixed(let v) = $0 { return v } else { return nil } }
  }
}
