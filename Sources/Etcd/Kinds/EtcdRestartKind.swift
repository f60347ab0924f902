import Planning

/// A member whose running flags are not its unit's (the unit was changed, by Bulwark healing drift
/// or by hand) is restarted, one member at a time and only while the others keep quorum.
struct EtcdRestartKind: StepKind {
  let name = "etcd.restart"
  let parameters: [ParameterSpec] = []

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c)
    let expected = ([layout.etcd] + EtcdUnit.flags(for: c.host, in: layout)).joined(separator: " ") + " "
    return [StepDraft("restart", "restart etcd on \(c.host.name) if its running flags are not its unit's (one member at a time)",
      action: .update, .command(argv: EtcdScripts.restartMember(c.host, ctl: layout.etcdctl([])).argv,
        unless: EtcdScripts.runsFlags(expected).argv))]
  }
}
