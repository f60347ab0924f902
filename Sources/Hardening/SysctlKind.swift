import Planning

extension HardeningKinds {
  public static let sysctlFile = "/etc/sysctl.d/90-bulwark-hardening.conf"
}

/// `hardening.sysctl`: the kernel parameters of the catalogue that cover this host's roles, in one
/// file; forwarding on for Kubernetes nodes, off elsewhere. Then the other sysctl files that the next
/// boot reads after it and that set one of these keys to another value: their assignments commented
/// out, each file kept as it was (`HardeningScripts.disableSysctlConflicts`), so the boot applies
/// Bulwark's values and not only the live kernel holds them.
struct SysctlKind: StepKind {
  let name = "hardening.sysctl"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]
  let memo = RoleMemo()

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    memo.drafts(for: c.host) { drafts(c) }
  }

  func drafts(_ c: ExpansionContext) -> [StepDraft] {
    var settings: [String: String] = [:], checks: [Check] = []
    for check in catalogue where check.roles.covers(c.host) {
      guard case .sysctl(let key, let value) = check.remedy else { continue }
      settings[key] = value
      checks.append(check)
    }
    let node = c.host.has(.controlPlane) || c.host.has(.worker)
    return [
      StepDraft("sysctl", "kernel parameters \(CheckIDs.summary(checks)) for this role (forwarding \(node ? "on" : "off")); keys a shared kernel forbids are reported, not failed",
      action: .update, .sysctl(settings: settings, file: HardeningKinds.sysctlFile)),
      StepDraft("sysctl-conflicts", "other sysctl files read after \(HardeningKinds.sysctlFile) at boot: their assignments against it commented out (each file kept as *.bulwark-disabled; a package's file masked by an edited copy in /etc/sysctl.d)",
        action: .update,
        .command(argv: ["sh", "-c", HardeningScripts.disableSysctlConflicts(settings: settings, file: HardeningKinds.sysctlFile)],
          unless: ["sh", "-c", HardeningScripts.sysctlConflicts(settings: settings, file: HardeningKinds.sysctlFile)])),
    ]
  }
}
