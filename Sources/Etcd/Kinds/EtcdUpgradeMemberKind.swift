import Planning

/// One member to the inventory's version: refused unless the other members keep quorum without it;
/// leadership moved away if it leads; the revision noted; a restart on the new binary, rolled back
/// to the old one if the new one does not start (`EtcdScripts.upgradeMember`). Members already on
/// the version plan nothing, so a re-run continues where a stopped one left off. A stopped member
/// is brought up on the new version.
struct EtcdUpgradeMemberKind: StepKind {
  let name = "etcd.upgrade-member"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c)
    guard let facts = inputs.facts.hosts[c.host.name], facts.runningVersion != layout.version else { return [] }
    let script = EtcdScripts.upgradeMember(c.host, layout: layout, running: facts.runningVersion)
    let from = facts.runningVersion.map(\.description) ?? "stopped"
    return [
      StepDraft("unit", "\(EtcdLayout.unitPath): ExecStart to etcd \(layout.version) (takes effect at the restart)", action: .update,
        .file(path: EtcdLayout.unitPath, content: EtcdUnit.render(for: c.host, in: layout), mode: 0o600, owner: "root",
          group: "root")),
      StepDraft("upgrade", "restart \(c.host.name) on etcd \(from) -> \(layout.version); leadership moved away first if it leads",
        action: .update, .command(argv: script.argv, unless: EtcdScripts.runsBinary(layout.etcd).argv)),
    ]
  }
}
