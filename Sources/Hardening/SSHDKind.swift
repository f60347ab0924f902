import Planning

extension HardeningKinds {
  public static let sshdDropIn = "/etc/ssh/sshd_config.d/00-bulwark-hardening.conf"

  /// The sshd drop-in: every sshd directive of the catalogue, in catalogue order. sshd takes the
  /// first value it reads, and Debian includes sshd_config.d/*.conf first, so `00-` wins. The header
  /// names the checks it carries, as `bulwark checks` lists them.
  public static func sshdConfig(_ catalogue: [Check]) -> String {
    let ids = CheckIDs.summary(catalogue.filter { if case .sshd = $0.remedy { true } else { false } })
    var seen = Set<String>(), lines = ["# Managed by Bulwark: hardened sshd (checks \(ids) of `bulwark checks`). Validated with sshd -t."]
    for c in catalogue {
      guard case .sshd(let directive, let value) = c.remedy, seen.insert(directive).inserted else { continue }
      lines.append("\(directive) \(value)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// `hardening.sshd`: the weak moduli dropped (H25), then the drop-in, guarded: `sshd -t` validates it,
/// a reload applies it, and a new connection must get in, or the old file comes back.
struct SSHDKind: StepKind {
  let name = "hardening.sshd"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]
  let memo = RoleMemo()

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    memo.drafts(for: c.host) { drafts(c) }
  }

  func drafts(_ c: ExpansionContext) -> [StepDraft] {
    let checks = catalogue.filter { $0.roles.covers(c.host) }
    let moduli = CheckIDs.summary(checks.filter { $0.remedy == .moduli })
    let sshd = CheckIDs.summary(checks.filter { if case .sshd = $0.remedy { true } else { false } })
    return [
      StepDraft("moduli", "/etc/ssh/moduli without groups under 2048 bits (\(moduli))", action: .update,
        .command(argv: ["sh", "-c", HardeningScripts.dropWeakModuli()], unless: ["sh", "-c", HardeningScripts.moduliHasNoWeakGroup()])),
      StepDraft("sshd", "\(HardeningKinds.sshdDropIn): modern algorithms only, no root or password login (\(sshd)); sshd -t, reload, then a new connection must get in",
        action: .update,
        .guardedConfig(path: HardeningKinds.sshdDropIn, content: HardeningKinds.sshdConfig(catalogue), mode: 0o600,
          validate: ["sshd", "-t"], activate: ["systemctl", "reload", "ssh.service"], deactivate: ["systemctl", "reload", "ssh.service"],
          liveCheck: [])),
    ]
  }
}
