import Advisories
import Findings
import Support

/// What `bulwark advisories list --component C --version V` reports: a finding per advisory (and end
/// of life) under the default policy, the SARIF rules for them, and how to clear the refusing ones.
/// Pure: the data, the conditions and the day are given.
public struct AdvisoryListing: Sendable {
  public var component: Component
  public var version: UpstreamVersion
  public var findings: [Finding]
  public var rules: [FindingRule]
  /// nil when nothing refuses.
  public var advice: UpgradeAdvice?

  public init(_ data: AdvisoryDatabase, component: Component, version: UpstreamVersion, conditions: ConditionFacts, today: Day) {
    let policy = VulnerabilityPolicy()
    self.component = component
    self.version = version
    findings = policy.evaluate(data.matches(component: component, version: version, conditions: conditions), today: today)
    if let eol = data.endOfLife(component: component, version: version, today: today) {
      findings.append(policy.evaluate(endOfLife: eol, component: component, version: version))
    }
    advice = data.upgradeAdvice(components: [component], from: version, refuseAt: policy.refuseAt, conditions: conditions,
                                today: today)
    rules = []
    rules = SecurityFloor.rules(for: reported, data: data)
  }

  /// The findings, then the advice as a note (rule `upgrade-advice`) at the component: what SARIF and JUnit carry.
  public var reported: [Finding] {
    guard let advice else { return findings }
    let sentence = advice.target == nil ? advice.text : "\(advice.text) clears every finding at or above \(advice.refuseAt.rawValue)"
    return findings + [Finding(ruleID: SecurityFloor.ruleUpgradeAdvice, level: .note, message: "\(component.rawValue) \(sentence)",
                               logicalName: "\(component.rawValue) \(version)", logicalKind: "component")]
  }

  public var refuses: Bool { VulnerabilityPolicy.refuses(findings) }

  /// The text form: a line per finding, then the advice.
  public var text: String {
    var out = findings.map { "\($0.level.rawValue): \($0.message)\n" }.joined()
    if findings.isEmpty { out += "\(component.rawValue) \(version): no known advisories\n" }
    if let advice {
      out += advice.target == nil
        ? "advice: \(component.rawValue) \(advice.text)\n"
        : "advice: upgrade \(component.rawValue) \(advice.text) to clear every finding at or above \(advice.refuseAt.rawValue)\n"
    }
    return out
  }

  public var sarif: String { FindingFormats.sarif(reported, rules: rules) }

  /// One suite, named after the component and version; a refusing finding is a failure, the advice a
  /// passing case with its text, and a
  /// version without findings is one passing case, so the suite is never empty.
  public var junit: String {
    let group = "\(component.rawValue) \(version)"
    return FindingFormats.junit(suite: "bulwark advisories", findings: reported,
                                passed: findings.isEmpty ? [group: ["no known advisories"]] : [:]) { _ in group }
  }
}
