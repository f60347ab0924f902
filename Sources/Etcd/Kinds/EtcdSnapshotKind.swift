import Foundation
import Planning

/// A snapshot into the state dir, planned only when this run changes membership or binaries.
struct EtcdSnapshotKind: StepKind {
  let name = "etcd.snapshot"
  /// `when`: `membership` (members join or leave), `upgrade` (a member runs another version),
  /// `changes` (either), `always`.
  let parameters: [ParameterSpec] = [.string("when", default: "changes")]
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c)
    let facts = inputs.facts
    // Taken from the first running member the facts know.
    guard let source = layout.members.first(where: { facts.hosts[$0.name]?.isRunning == true }), source.name == c.host.name
    else { return [] }
    let wanted = Set(layout.members.map(\.name))
    let membership = layout.members.contains { !facts.isMember($0.name) } || facts.members.contains { !wanted.contains($0.name) }
    let upgrades = facts.hosts.values.contains { $0.runningVersion.map { $0 != layout.version } ?? false }
    switch c.params.string("when") {
    case "membership": guard membership else { return [] }
    case "upgrade": guard upgrades else { return [] }
    case "always": break
    default: guard membership || upgrades else { return [] }
    }
    let remote = "/var/lib/bulwark/etcd-snapshot.db"
    // The running binary's etcdctl: during an upgrade the target's may not be uploaded yet.
    let running = facts.hosts[source.name]?.runningVersion ?? layout.version
    let ctl = layout.etcdctl(["snapshot", "save", remote], endpoints: "https://127.0.0.1:\(EtcdLayout.clientPort)")
      .map { $0.replacingOccurrences(of: layout.binaryDirectory, with: EtcdLayout.binaryDirectory(for: running)) }
    return [StepDraft("snapshot", "snapshot etcd from \(c.host.name) into \(inputs.snapshotPath)", action: .run,
      .fetch(argv: ctl, remotePath: remote, localPath: inputs.snapshotPath))]
  }
}
