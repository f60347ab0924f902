import Advisories
import Findings
import Inventory
import Kubernetes
import Support

extension SecurityFloor {
  /// Upgrade advice for one version the inventory pins: the field, and the way out.
  public struct PinAdvice: Hashable, Sendable {
    public var pin: Pin
    public var advice: UpgradeAdvice
    /// Where the pinned field is.
    public var position: Finding.Position?
    /// `advice: spec.versions.etcd: etcd 3.5.1 -> 3.5.8 clears every finding at or above high`.
    public var text: String { "advice: \(pin.path): \(sentence)" }

    var sentence: String {
      let comps = pin.components.count > 1 ? "kubernetes" : pin.components.first?.rawValue ?? ""
      guard advice.target != nil else { return "\(comps) \(advice.text)" }
      return "\(comps) \(advice.text) clears every finding at or above \(advice.refuseAt.rawValue)"
    }

    /// The advice for SARIF and JUnit: a note (rule `upgrade-advice`) at the pinned field.
    public var finding: Finding {
      Finding(ruleID: SecurityFloor.ruleUpgradeAdvice, level: .note, message: sentence, position: position,
              logicalName: pin.path, logicalKind: "property")
    }
  }

  public static let ruleUpgradeAdvice = "upgrade-advice"

  /// For each pinned version a finding at or above `refuseAt` affects (waived or not: a waiver is a
  /// risk accepted until a day, the upgrade is the fix), the versions to move to under the upgrade
  /// rules (`UpgradeRules`). A Kubernetes target must be a minor Bulwark has requirements for.
  /// From the pinned version, which `plan --playbook upgrade` takes as the target: staying on its line
  /// keeps the cluster's skew whatever it runs now.
  public static func advice(_ inv: Inventory, data: AdvisoryDatabase, today: Day) -> [PinAdvice] {
    let refuseAt = inv.security.vulnerabilities.refuseAt
    return pins(inv).compactMap { pin in
      guard let version = UpstreamVersion(pin.version),
        let advice = data.upgradeAdvice(
          components: pin.components, from: version, refuseAt: refuseAt, conditions: conditions(for: pin), today: today,
          supported: { pin.components.contains(where: \.isKubernetes) ? KubernetesRequirements.forMinor($0.minor) != nil && $0.major == 1 : true })
      else { return nil }
      let l = inv.sourceMap.location(pin.path)
      return PinAdvice(pin: pin, advice: advice, position: Finding.Position(file: l.file, line: l.line, column: l.column))
    }
  }
}
