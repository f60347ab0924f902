/// Facts about the cluster that decide conditional advisories: condition id → holds. A condition
/// missing here is unknown, and the match is kept with the condition listed as pending.
public typealias ConditionFacts = [String: Bool]

/// One advisory that applies to one component at one version.
public struct AdvisoryMatch: Hashable, Sendable {
  public var advisory: Advisory
  public var component: Component
  /// The version as found (upstream, or the Debian package version for host audits).
  public var installed: String
  public var fix: FixAdvice
  /// Conditions the advisory needs that the caller could not say hold or not.
  public var pendingConditions: [Condition]

  public init(advisory: Advisory, component: Component, installed: String, fix: FixAdvice, pendingConditions: [Condition] = []) {
    self.advisory = advisory
    self.component = component
    self.installed = installed
    self.fix = fix
    self.pendingConditions = pendingConditions
  }

  /// `etcd 3.5.1: CVE-2021-28235 (critical 9.8) summary, fixed in 3.5.8`.
  public var message: String {
    var id = advisory.id
    if let cve = advisory.aliases.first(where: { $0.hasPrefix("CVE-") }), !id.hasPrefix("CVE-") { id += " (\(cve))" }
    var out = "\(component.rawValue) \(installed): \(id) [\(advisory.severity.label)] \(advisory.summary), \(fix)"
    if !pendingConditions.isEmpty {
      out += "; applies only if: " + pendingConditions.map(\.description).joined(separator: "; ")
    }
    return out
  }
}
