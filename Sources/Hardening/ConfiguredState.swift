/// What a host will apply next, beside what it runs now: the audit's reading of the probe's
/// configured-state facts (`HardeningScripts.configuredState`). A kernel parameter passes only when
/// both its live value and the value the next boot's sysctl files set are right; an sshd keyword
/// read from another file before Bulwark's drop-in is named with that file; a unit is judged by
/// whether it starts at boot, with its state now beside it.
enum ConfiguredState {
  /// The actual value to report when the configured state fails `check` (or adds the file to blame
  /// for a live failure); nil when there is nothing to add to the live value.
  static func failure(of check: Check, live: String, passes: Bool, facts: HostFacts) -> String? {
    switch check.remedy {
    case .sysctl(let key, _):
      guard let boot = facts.values["sysctlboot.\(key)"], !check.expect.accepts(boot) else { return nil }
      return "live \(live), next boot " + nextBoot(key, boot: boot, facts: facts)
    case .sshd(let directive, _):
      guard !passes, let file = facts.values["sshdfrom.\(directive.lowercased())"], file != HardeningKinds.sshdDropIn else { return nil }
      return "\(live) from \(file) (read before \(HardeningKinds.sshdDropIn))"
    default:
      guard !passes, check.fact.hasPrefix("unit.") else { return nil }
      let unit = String(check.fact.dropFirst(5))
      let now = facts.values["unitactive.\(unit)"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
      return "\(live.isEmpty ? "not installed" : live) at boot (\(now) now)"
    }
  }

  /// `1 from /etc/sysctl.d/99-x.conf (overrides /etc/sysctl.d/90-bulwark-hardening.conf)`, or
  /// `unset (no sysctl file sets it)`.
  static func nextBoot(_ key: String, boot: String, facts: HostFacts) -> String {
    guard boot != "unset", let file = facts.values["sysctlfrom.\(key)"], !file.isEmpty else { return "unset (no sysctl file sets it)" }
    let over = facts.values["sysctlover.\(key)"].map { " (overrides \($0))" } ?? ""
    return "\(boot) from \(file)\(over)"
  }
}
