import Inventory
import Planning
import Support

/// What the hardening kinds need besides the inventory: where each host sees the controller come
/// from (its own address toward the host, or the site's bastion), for the SSH rule.
public struct HardeningInputs: Sendable {
  public var sshFrom: [String: [String]]
  public init(sshFrom: [String: [String]]) { self.sshFrom = sshFrom }
}

/// The `harden` playbook's kinds. Each builds its remediation from the same catalogue entries the
/// audit evaluates, so `audit` reports exactly what `apply` fixes.
public enum HardeningKinds {
  public static func all(_ inputs: HardeningInputs, catalogue: [Check] = Catalogue.all) -> [String: any StepKind] {
    let kinds: [any StepKind] = [
      SSHDKind(catalogue: catalogue), SysctlKind(catalogue: catalogue), FilesKind(catalogue: catalogue),
      FirewallKind(inputs: inputs),
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }

  public static let sshdDropIn = "/etc/ssh/sshd_config.d/00-bulwark-hardening.conf"

  /// The sshd drop-in: every sshd directive of the catalogue, in catalogue order. sshd takes the
  /// first value it reads, and Debian includes sshd_config.d/*.conf first, so `00-` wins.
  public static func sshdConfig(_ catalogue: [Check]) -> String {
    var seen = Set<String>(), lines = ["# Managed by Bulwark: hardened sshd (HARDENING.md H6-H24). Validated with sshd -t."]
    for c in catalogue {
      guard case .sshd(let directive, let value) = c.remedy, seen.insert(directive).inserted else { continue }
      lines.append("\(directive) \(value)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

struct SSHDKind: StepKind {
  let name = "hardening.sshd"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let weak = "awk '$5 < 2047 && $5 ~ /^[0-9]+$/' /etc/ssh/moduli | grep -q ."
    let dropWeak = "awk '$1 ~ /^#/ || $5 >= 2047' /etc/ssh/moduli > /etc/ssh/moduli.bulwark && chmod 0644 /etc/ssh/moduli.bulwark && mv /etc/ssh/moduli.bulwark /etc/ssh/moduli"
    return [
      StepDraft("moduli", "/etc/ssh/moduli without groups under 2048 bits (H25)", action: .update,
        .command(argv: ["sh", "-c", dropWeak], unless: ["sh", "-c", "! { \(weak); }"])),
      StepDraft("sshd", "\(HardeningKinds.sshdDropIn): modern algorithms only, no root or password login (H6-H24); sshd -t, reload, then a new connection must get in",
        action: .update,
        .guardedConfig(path: HardeningKinds.sshdDropIn, content: HardeningKinds.sshdConfig(catalogue), mode: 0o600,
          validate: ["sshd", "-t"], activate: ["systemctl", "reload", "ssh.service"], deactivate: ["systemctl", "reload", "ssh.service"],
          liveCheck: [])),
    ]
  }
}

struct SysctlKind: StepKind {
  let name = "hardening.sysctl"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    var settings: [String: String] = [:]
    for check in catalogue where check.roles.covers(c.host) {
      if case .sysctl(let key, let value) = check.remedy { settings[key] = value }
    }
    let node = c.host.has(.controlPlane) || c.host.has(.worker)
    return [StepDraft("sysctl", "kernel parameters SY1-SY18 for this role (forwarding \(node ? "on" : "off")); keys a shared kernel forbids are reported, not failed",
      action: .update, .sysctl(settings: settings, file: "/etc/sysctl.d/90-bulwark-hardening.conf"))]
  }
}

struct FilesKind: StepKind {
  let name = "hardening.files"
  let parameters: [ParameterSpec] = []
  let catalogue: [Check]

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    var fixes: [String] = [], tests: [String] = []
    for check in catalogue where check.roles.covers(c.host) {
      guard case .fileMode(let path, let mode, let owner) = check.remedy else { continue }
      let p = ShellQuoting.quote(path)
      if let mode {
        let m = String(mode, radix: 8)
        // Only bits beyond the allowed ones are removed ("600 or stricter" stays as strict as it is).
        fixes.append("[ ! -e \(p) ] || chmod \"$(printf '%o' $(( 0$(stat -c %a \(p)) & 0\(m) )))\" \(p)")
        tests.append("{ [ ! -e \(p) ] || [ $(( 0$(stat -c %a \(p)) & ~0\(m) & 07777 )) -eq 0 ]; }")
      }
      if let owner {
        fixes.append("[ ! -e \(p) ] || chown \(owner) \(p)")
        tests.append("{ [ ! -e \(p) ] || [ \"$(stat -c %U:%G \(p))\" = \(owner) ]; }")
      }
    }
    guard !fixes.isEmpty else { return [] }
    return [StepDraft("files", "file modes and owners (H1-H3, E8-E13) on the files that exist", action: .update,
      .command(argv: ["sh", "-c", fixes.joined(separator: "\n")], unless: ["sh", "-c", tests.joined(separator: " && ")]))]
  }
}

struct FirewallKind: StepKind {
  let name = "hardening.firewall"
  let parameters: [ParameterSpec] = []
  let inputs: HardeningInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let (content, marker) = Firewall.render(for: c.host, in: c.inventory, sshFrom: inputs.sshFrom[c.host.name] ?? [])
    let unit = """
      # Managed by Bulwark: loads the host firewall at boot.
      [Unit]
      Description=Bulwark host firewall
      Before=network-pre.target
      Wants=network-pre.target

      [Service]
      Type=oneshot
      RemainAfterExit=yes
      ExecStart=/bin/sh -c '\(Firewall.loadAtBoot)'

      [Install]
      WantedBy=multi-user.target

      """
    return [
      StepDraft("firewall", "nftables table bulwark (\(marker)): inbound dropped, ports for \(c.host.roles.map(\.rawValue).joined(separator: ", ")) open to their peers only; a new connection must get in",
        action: .update,
        .guardedConfig(path: Firewall.path, content: content, mode: 0o600, validate: ["nft", "-c", "-f", Firewall.path],
          activate: ["sh", "-c", Firewall.load], deactivate: ["nft", "delete", "table", "inet", "bulwark"],
          liveCheck: ["sh", "-c", "nft list table inet bulwark | grep -qF '\(marker)' && \(Firewall.unchanged)"])),
      StepDraft("firewall-unit", "bulwark-firewall.service loads it at boot", action: .create,
        .systemdUnit(name: "bulwark-firewall.service", content: unit, enabled: true, running: true)),
    ]
  }
}
