import Planning

/// A host in the inventory that is not yet a member of the running cluster: member add (once), a
/// stale data dir moved aside, the initial-cluster file with state `existing`, then start
/// (`EtcdScripts.join`).
struct EtcdJoinKind: StepKind {
  let name = "etcd.join"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let facts = inputs.facts
    guard facts.exists, !facts.isMember(c.host.name) else { return [] }
    let layout = EtcdLayout(c)
    let live = facts.members.filter(\.started)
    let endpoints = live.compactMap { m in layout.members.first { $0.name == m.name }.map(EtcdLayout.clientURL) }
      .joined(separator: ",")
    let ctl = layout.etcdctl([], endpoints: endpoints.isEmpty ? layout.clientEndpoints : endpoints)
    return [StepDraft("join", "add \(c.host.name) to the running cluster (member add, then start with --initial-cluster-state=existing)",
      action: .run, .command(argv: EtcdScripts.join(c.host, ctl: ctl).argv, unless: EtcdScripts.running().argv))]
  }
}
