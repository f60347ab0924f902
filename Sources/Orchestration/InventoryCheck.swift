import Advisories
import Findings
import Inventory
import Kubernetes
import Support

/// What `validate` and `plan` check before anything is planned: the inventory's own problems and,
/// when it is valid, the security floor (`SecurityFloor`). Both are findings for SARIF and JUnit.
public struct InventoryCheck: Sendable {
  public var loaded: LoadedInventory
  /// Advisory, end-of-life and waiver findings; empty when the inventory is invalid.
  public var advisories: [Finding]
  /// SARIF rules for the advisory findings (summary, reference, severity).
  public var rules: [FindingRule]
  /// How to clear the refusing findings of each pinned version (`SecurityFloor.advice`).
  public var advice: [SecurityFloor.PinAdvice] = []
  public var diagnostics: [Diagnostic] { loaded.diagnostics }

  /// Loads and validates the inventory at `path`, then matches its versions against the advisory data
  /// (shipped, merged with `dataPath` when that file exists).
  public static func run(path: String, dataPath: String, today: String = UTCDate.day()) throws(OperationError) -> InventoryCheck {
    var loaded = LoadedInventory.load(path: path, today: today)
    // A Kubernetes minor without upstream requirements is refused here as well as by the renderer.
    if let inv = loaded.inventory { loaded.diagnostics += KubernetesRequirements.check(inv) }
    guard let inv = loaded.valid else { return InventoryCheck(loaded: loaded, advisories: [], rules: []) }
    let data = try SecurityFloor.data(at: dataPath)
    guard let day = Day(today) else { throw OperationError(.failed, .advisoryData, "\"\(today)\" is not a day (YYYY-MM-DD)") }
    let findings = SecurityFloor.findings(inv, data: data, today: day)
    let advice = SecurityFloor.advice(inv, data: data, today: day)
    return InventoryCheck(loaded: loaded, advisories: findings,
      rules: SecurityFloor.rules(for: findings + advice.map(\.finding), data: data), advice: advice)
  }

  /// Every finding: the diagnostics (rule = the diagnostic's code), the advisories, then the upgrade
  /// advice as notes at the pinned fields.
  public var findings: [Finding] { diagnostics.map(Finding.init(diagnostic:)) + advisories + advice.map(\.finding) }

  /// The inventory, or `invalid` (exit 3) with its diagnostics, or `refused` (exit 4) when a
  /// known vulnerability refuses.
  public func inventory() throws(OperationError) -> Inventory {
    guard let inv = loaded.valid else { throw .invalid(diagnostics) }
    try SecurityFloor.enforce(advisories, policy: inv.security.vulnerabilities)
    return inv
  }
}

extension Finding {
  /// A validation diagnostic as a finding: its code as the rule, its hint after the message.
  public init(diagnostic d: Diagnostic) {
    let position = d.location.map { Finding.Position(file: $0.file, line: $0.line, column: $0.column) }
    self.init(
      ruleID: d.code, level: d.severity == .error ? .error : .warning,
      message: d.message + (d.hint.map { " (hint: \($0))" } ?? ""), position: position, logicalName: d.path,
      logicalKind: d.path == nil ? nil : "property")
  }
}
