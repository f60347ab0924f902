import Planning

/// Every member healthy, asked from this host over TLS with the health-check client; after an
/// upgrade restart, also this member's revision at least where the cluster was before the restart
/// (`EtcdScripts.healthGate`).
struct EtcdHealthGateKind: StepKind {
  let name = "etcd.health-gate"
  /// `when`: `always`; `joining` (only after a host that joins); `removing` (only when members leave);
  /// `upgrading` (only after a host that is upgraded).
  let parameters: [ParameterSpec] = [.string("when", default: "always"), .string("timeout", default: "120")]
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    // A gate after each host of a quorum-safe phase, or once (from the first host) in a parallel one.
    guard c.phase.ordering == .quorumSafe || c.position == 0 else { return [] }
    let layout = EtcdLayout(c)
    let facts = inputs.facts
    switch c.params.string("when") {
    case "joining": guard facts.exists, !facts.isMember(c.host.name) else { return [] }
    case "removing":
      let wanted = Set(layout.members.map(\.name))
      guard facts.members.contains(where: { !wanted.contains($0.name) }) else { return [] }
    case "upgrading":
      guard let f = facts.hosts[c.host.name], f.runningVersion != layout.version else { return [] }
    case "restarting":
      // Whether a restart happens is known only at apply; the gate is cheap when nothing restarted.
      break
    default: break
    }
    let script = EtcdScripts.healthGate(ctl: layout.etcdctl([]), own: layout.etcdctl([], endpoints: EtcdLayout.clientURL(c.host)))
    let n = layout.members.count
    return [StepDraft("health-gate", "health gate: every member healthy (\(n) in the inventory, quorum \(n / 2 + 1)), asked from \(c.host.name)",
      action: .check, .wait(argv: script.argv, timeoutSeconds: Int(c.params.string("timeout")) ?? 120))]
  }
}
