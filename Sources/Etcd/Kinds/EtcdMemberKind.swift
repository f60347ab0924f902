import Planning

/// Bootstrap: start a member of a new cluster, or make sure an existing member runs. Hosts that
/// must join an existing cluster are the join step's.
struct EtcdMemberKind: StepKind {
  let name = "etcd.member"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let facts = inputs.facts
    if facts.exists && !facts.isMember(c.host.name) { return [] }
    let layout = EtcdLayout(c)
    let summary = facts.exists
      ? "keep etcd running on \(c.host.name) (a member of the cluster)"
      : "start etcd on \(c.host.name) as member \(c.position + 1) of the initial cluster of \(layout.members.count)"
    return [StepDraft("start", summary, action: .run,
      .command(argv: EtcdScripts.startMember(initialCluster: layout.initialCluster).argv, unless: EtcdScripts.running().argv))]
  }
}
