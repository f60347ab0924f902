import Planning

extension HardeningKinds {
  public static let sshdDropIn = "/etc/ssh/sshd_config.d/00-bulwark-hardening.conf"

  /// The sshd drop-in: every sshd directive of the catalogue, in catalogue order. sshd takes the
  /// first value it reads, and Debian includes sshd_config.d/*.conf first, so `00-` wins. The header
  /// names the checks it carries, as `bulwark checks` lists them. Pass the catalogue as it applies to
  /// one host's sshd (`[Check].applying(toOpenSSH:)`): a keyword that sshd does not know fails `sshd -t`.
  public static func sshdConfig(_ catalogue: [Check]) -> String {
    let ids = CheckIDs.summary(catalogue.filter { if case .sshd = $0.remedy { true } else { false } })
    let lines = ["# Managed by Bulwark: hardened sshd (checks \(ids) of `bulwark checks`). Validated with sshd -t."]
      + sshdSettings(catalogue).map { "\($0.directive) \($0.value)" }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Every sshd directive of the catalogue once, with its value, in catalogue order.
  public static func sshdSettings(_ catalogue: [Check]) -> [(directive: String, value: String)] {
    var seen = Set<String>(), out: [(directive: String, value: String)] = []
    for c in catalogue {
      guard case .sshd(let directive, let value) = c.remedy, seen.insert(directive).inserted else { continue }
      out.append((directive, value))
    }
    return out
  }
}

/// `hardening.sshd`: the weak moduli dropped (H25), then the drop-in, guarded: `sshd -t` validates it,
/// a reload applies it, and a new connection must get in, or the old file comes back. Then the lines
/// of other files sshd reads first (sshd keeps the first value it reads) that set those keywords
/// otherwise: commented out, each file kept as it was (`HardeningScripts.disableSSHDConflicts`).
///
/// The drop-in holds what the host's OpenSSH knows: PerSourcePenalties (H28) only from 9.8 on, as
/// the host said (`HardeningInputs.openSSH`); where its version is not known, it is left out.
struct SSHDKind: StepKind {
  let name = "hardening.sshd"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]
  let openSSH: [String: OpenSSHVersion]
  let memo = RoleMemo()

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let version = openSSH[c.host.name]
    return memo.drafts(for: c.host, variant: version?.description ?? "?") { drafts(c, openSSH: version) }
  }

  func drafts(_ c: ExpansionContext, openSSH version: OpenSSHVersion?) -> [StepDraft] {
    let catalogue = catalogue.applying(toOpenSSH: version)
    let left = self.catalogue.filter { !$0.applies(toOpenSSH: version) }
    let leftOut = left.isEmpty ? "" : "; \(HardeningKinds.sshdSettings(left).map(\.directive).joined(separator: ", ")) left out: "
      + (version.map { "OpenSSH \($0) has none" } ?? "its OpenSSH version is not known")
    let checks = catalogue.filter { $0.roles.covers(c.host) }
    let moduli = CheckIDs.summary(checks.filter { $0.remedy == .moduli })
    let sshd = CheckIDs.summary(checks.filter { if case .sshd = $0.remedy { true } else { false } })
    return [
      StepDraft("moduli", "/etc/ssh/moduli without groups under 2048 bits (\(moduli))", action: .update,
        .command(argv: ["sh", "-c", HardeningScripts.dropWeakModuli()], unless: ["sh", "-c", HardeningScripts.moduliHasNoWeakGroup()])),
      StepDraft("sshd", "\(HardeningKinds.sshdDropIn): modern algorithms only, no root or password login, connections throttled (\(sshd)\(leftOut)); sshd -t, reload, then a new connection must get in",
        action: .update,
        .guardedConfig(path: HardeningKinds.sshdDropIn, content: HardeningKinds.sshdConfig(catalogue), mode: 0o600,
          validate: ["sshd", "-t"], activate: ["systemctl", "reload", "ssh.service"], deactivate: ["systemctl", "reload", "ssh.service"],
          liveCheck: [])),
      StepDraft("sshd-conflicts", "lines sshd reads before \(HardeningKinds.sshdDropIn) that set its keywords otherwise: commented out (each file kept as *.bulwark-disabled), sshd -t, reload",
        action: .update,
        .command(argv: ["sh", "-c", HardeningScripts.disableSSHDConflicts(settings: HardeningKinds.sshdSettings(catalogue), file: HardeningKinds.sshdDropIn)],
          unless: ["sh", "-c", HardeningScripts.sshdConflicts(settings: HardeningKinds.sshdSettings(catalogue), file: HardeningKinds.sshdDropIn)])),
    ]
  }
}
