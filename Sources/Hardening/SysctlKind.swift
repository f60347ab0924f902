import Planning

/// `hardening.sysctl`: the kernel parameters of the catalogue that cover this host's roles, in one
/// file; forwarding on for Kubernetes nodes, off elsewhere.
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
    return [StepDraft("sysctl", "kernel parameters \(CheckIDs.summary(checks)) for this role (forwarding \(node ? "on" : "off")); keys a shared kernel forbids are reported, not failed",
      action: .update, .sysctl(settings: settings, file: "/etc/sysctl.d/90-bulwark-hardening.conf"))]
  }
}
