import Planning

/// Members of the running cluster that the inventory no longer lists are removed, one at a time,
/// from the first inventory member, and only while the rest keep quorum. Member-list entries that
/// failed their checks (`EtcdMemberRefusal`) are never removed by Bulwark: each plans a step that
/// fails with the reason, before any removal, so membership is not changed around them.
struct EtcdRemoveKind: StepKind {
  let name = "etcd.remove"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    guard c.position == 0 else { return [] }
    let layout = EtcdLayout(c)
    let ctl = layout.etcdctl([])
    let refusals = inputs.facts.refusedMembers.enumerated().map { i, refusal in
      let why = "refusing to change etcd membership: \(refusal.message) [\(refusal.code)]; Bulwark puts no such value into a script, so remove or rename that member by hand"
      return StepDraft("refuse-member-\(i + 1)", why, action: .check,
        .command(argv: EtcdScripts.refuse(why).argv, unless: ["false"]))
    }
    let wanted = Set(layout.members.map(\.name))
    let leaving = inputs.facts.members.filter { !wanted.contains($0.name) && !$0.name.isEmpty }
    return refusals + leaving.map { member in
      StepDraft("remove-\(member.name)", "remove member \(member.name) (\(member.id)), no longer in the inventory, keeping quorum",
        action: .delete,
        .command(argv: ["sh", "-c", EtcdScripts.removeMember(member, layout: layout)],
          unless: EtcdScripts.memberAbsent(id: member.id, ctl: ctl).argv))
    }
  }
}
