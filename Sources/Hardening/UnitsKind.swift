import Inventory
import Planning

/// `hardening.units`: the catalogue's units that must never start, masked (and stopped) at once
/// (`HardeningScripts.maskUnits`), and skipped when every one is masked already. Masked, not only
/// disabled: a disabled unit still starts as another unit's dependency.
struct UnitsKind: StepKind {
  let name = "hardening.units"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]
  let memo = RoleMemo()

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    memo.drafts(for: c.host) { drafts(c.host) }
  }

  private func drafts(_ host: ClusterHost) -> [StepDraft] {
    var units: [String] = [], checks: [Check] = []
    for check in catalogue where check.roles.covers(host) {
      guard case .unitMasked(let unit) = check.remedy else { continue }
      units.append(unit)
      checks.append(check)
    }
    guard !units.isEmpty else { return [] }
    return [StepDraft("units", "units masked, so nothing starts them at boot (\(CheckIDs.summary(checks))): \(units.joined(separator: ", "))",
      action: .update,
      .command(argv: ["sh", "-c", HardeningScripts.maskUnits(units)], unless: ["sh", "-c", HardeningScripts.unitsMasked(units)]))]
  }
}
