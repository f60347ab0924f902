import Planning

/// Restore a snapshot into this inventory's cluster: every member stops, its data dir is moved
/// aside, the snapshot is restored with this member's name and the inventory's cluster, and all
/// start together (the health gate follows).
struct EtcdRestoreKind: StepKind {
  let name = "etcd.restore"
  /// `part`: `restore` (upload, stop, restore) or `start`; every member restores before any starts.
  let parameters: [ParameterSpec] = [.string("part", default: "restore")]
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    guard let snapshot = inputs.restoreFrom else { return [] }
    if c.params.string("part") == "start" {
      return [StepDraft("start", "start etcd on \(c.host.name) on the restored data", action: .run,
        .command(argv: EtcdScripts.startNoBlock().argv, unless: EtcdScripts.running().argv))]
    }
    let layout = EtcdLayout(c)
    let remote = "/var/lib/bulwark/etcd-restore.db"
    let mark = "/var/lib/bulwark/etcd-restored-from"
    // etcdutl restores from 3.5 on; 3.4 has only etcdctl's.
    let tool = layout.version.minor >= 5 ? ["\(layout.binaryDirectory)/etcdutl"] : ["env", "ETCDCTL_API=3", layout.etcdctl]
    let sha256 = snapshot.sha256 ?? "unknown"
    let script = EtcdScripts.restoreMember(c.host, layout: layout, tool: tool, snapshot: remote, sha256: sha256, mark: mark)
    // Restoring the same snapshot twice is a no-op: the mark names the snapshot last restored.
    return [
      StepDraft("snapshot-upload", "upload \(snapshot.path) to \(remote)", action: .create,
        .upload(source: snapshot.path, path: remote, sha256: snapshot.sha256, mode: 0o600, owner: "root", group: "root")),
      StepDraft("restore", "stop etcd, move \(EtcdLayout.dataDirectory) aside, restore the snapshot as member \(c.host.name)", action: .run,
        .command(argv: script.argv, unless: EtcdScripts.restoredFrom(sha256: sha256, mark: mark).argv)),
    ]
  }
}
