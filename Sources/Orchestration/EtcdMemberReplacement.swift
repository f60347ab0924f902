import Etcd
import Inventory
import Remote

/// `etcd replace HOST`: the first half of replacing a dead member. The old member is removed
/// through another running member, only while the others keep quorum and only if it does not
/// answer as healthy (unless forced); an apply then installs etcd on HOST and joins it afresh.
public enum EtcdMemberReplacement {
  public enum Outcome: Sendable {
    /// The member was removed; the helper's output says how.
    case removed(id: String, through: String, output: String)
    /// HOST was not a member of the running cluster: it only needs to join.
    case notAMember
  }

  public static func removeOldMember(host: String, inv: Inventory, fleet: Fleet, force: Bool) async throws(OperationError) -> Outcome {
    let layout = EtcdLayout(inv)
    guard layout.members.contains(where: { $0.name == host }) else {
      throw OperationError(.invalidInput, .notAMember, "\(host) is not an etcd member of the inventory")
    }
    let facts = await EtcdFactsGatherer.gather(inv, fleet: fleet)
    let members = facts.members
    guard !members.isEmpty,
      let helper = layout.members.first(where: { $0.name != host && facts.hosts[$0.name]?.isRunning == true })
    else {
      throw OperationError(.failed, .noQuorum, "no other running member answered; a cluster without quorum needs `bulwark etcd restore`")
    }
    // A refused entry may be the very member to replace (its name could not be read as one), so
    // "not a member" would be a guess: stop and name each refused entry instead.
    if !facts.refusedMembers.isEmpty {
      throw OperationError(.failed, .refusedMember,
        "cannot tell whether \(host) is still a member: "
          + facts.refusedMembers.map { "\($0.message) [\($0.code)]" }.joined(separator: "; ")
          + "; Bulwark puts no such value into a script, so remove or rename that member by hand, then replace again")
    }
    guard let old = members.first(where: { $0.name == host }) else { return .notAMember }
    if facts.hosts[host]?.isRunning == true && !force {
      throw OperationError(.failed, .memberAnswers,
        "\(host) runs etcd and answers; replace is for dead members (use --force to replace it anyway)")
    }
    let command = RemoteCommand(["sh", "-c", EtcdScripts.removeMember(old, layout: layout)])
    let outcome = await fleet.run(on: [helper.name]) { h in try await h.run(command) }
    switch outcome.first?.result {
    case .success(let r)? where r.succeeded: return .removed(id: old.id, through: helper.name, output: r.stdoutText)
    case .success(let r)?: throw OperationError(.failed, .removeFailed, "removing \(host) failed: \(r.stderrTail)")
    case .failure(let e)?: throw OperationError(.failed, .removeFailed, "removing \(host) failed: \(describe(e))")
    case nil: throw OperationError(.failed, .removeFailed, "removing \(host) failed: no result")
    }
  }
}
