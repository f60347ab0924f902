import Planning

/// `hardening.firewall`: the host's nftables table (`Firewall.render`), guarded like sshd (checked
/// with `nft -c`, loaded, and kept only if a new connection gets in), and the unit that loads it at
/// boot.
struct FirewallKind: StepKind {
  let name = "hardening.firewall"
  let parameters: [ParameterSpec] = []
  let inputs: HardeningInputs
  /// Each shape's table, worked out once per plan (`Firewall.Shape`).
  let tables = KeyedMemo<Firewall.Shape, (body: String, marker: String)>()

  /// `bulwark-firewall.service`: loads the table at boot, before the network comes up.
  static let bootUnit = """
    # Managed by Bulwark: loads the host firewall at boot.
    [Unit]
    Description=Bulwark host firewall
    Before=network-pre.target
    Wants=network-pre.target

    [Service]
    Type=oneshot
    RemainAfterExit=yes
    ExecStart=/bin/sh -c '\(HardeningScripts.firewallLoadAtBoot())'

    [Install]
    WantedBy=multi-user.target

    """

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let peers = inputs.firewallPeers ?? FirewallPeers(c.inventory)
    let node = c.host.has(.controlPlane) || c.host.has(.worker)
    let profile = node ? c.inventory.cniProfile.map { " and CNI profile \($0.id.rawValue)" } ?? "" : ""
    let sshFrom = inputs.sshFrom[c.host.name] ?? []
    let (body, marker) = tables.value(for: Firewall.Shape(c.host, peers: peers, sshFrom: sshFrom)) {
      Firewall.table(for: c.host, in: c.inventory, peers: peers, sshFrom: sshFrom)
    }
    let content = Firewall.file(for: c.host.name, body: body, marker: marker)
    return [
      StepDraft("firewall", "nftables table bulwark (\(marker)): inbound dropped, ports for \(c.host.roles.map(\.rawValue).joined(separator: ", "))\(profile) open to their peers only; a new connection must get in",
        action: .update,
        .guardedConfig(path: Firewall.path, content: content, mode: 0o600, validate: ["nft", "-c", "-f", Firewall.path],
          activate: ["sh", "-c", HardeningScripts.firewallLoad()], deactivate: ["nft", "delete", "table", "inet", "bulwark"],
          liveCheck: ["sh", "-c", HardeningScripts.firewallInEffect(marker: marker)])),
      StepDraft("firewall-unit", "bulwark-firewall.service loads it at boot", action: .create,
        .systemdUnit(name: "bulwark-firewall.service", content: Self.bootUnit, enabled: true, running: true)),
    ]
  }
}
