import Inventory
import PKI
import Planning
import Support

/// What the etcd kinds need besides the inventory: the local files they upload. Gathered before
/// planning (artifact cache, PKI state dir), so the planner stays pure.
public struct EtcdInputs: Sendable {
  public var binaries: [String: LocalArtifact]
  public var pki: PKIStore.AuthorityReport
  /// What the hosts said before planning; `.fresh` for new hosts.
  public var facts: EtcdClusterFacts
  /// Where a snapshot taken by this run goes, on the controller.
  public var snapshotPath: String
  /// For restore: the snapshot to restore, with its sha256.
  public var restoreFrom: LocalArtifact?

  public init(
    binaries: [String: LocalArtifact], pki: PKIStore.AuthorityReport, facts: EtcdClusterFacts, snapshotPath: String,
    restoreFrom: LocalArtifact? = nil
  ) {
    self.binaries = binaries
    self.pki = pki
    self.facts = facts
    self.snapshotPath = snapshotPath
    self.restoreFrom = restoreFrom
  }

  func leaf(_ name: String) -> PKIStore.Leaf? { pki.leaves.first { $0.spec.name == name } }
}

/// The etcd step kinds, replacing the described placeholders of the same names.
public enum EtcdKinds {
  public static func all(_ inputs: EtcdInputs) -> [String: any StepKind] {
    let kinds: [any StepKind] = [
      BinaryKind(inputs: inputs), CertsKind(inputs: inputs), UnitKind(), MemberKind(inputs: inputs),
      JoinKind(inputs: inputs), RemoveKind(inputs: inputs), HealthGateKind(inputs: inputs), SnapshotKind(inputs: inputs),
      UpgradeMemberKind(inputs: inputs), RestoreKind(inputs: inputs), RestartKind(),
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }
}

struct BinaryKind: StepKind {
  let name = "etcd.binary"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
    var drafts = [StepDraft("bin-dir", "directory \(layout.binaryDirectory) (0755 root:root)", action: .create,
      .directory(path: layout.binaryDirectory, mode: 0o755, owner: "root", group: "root"))]
    for binary in EtcdArtifacts.binaries(for: layout.version) {
      let local = inputs.binaries[binary] ?? LocalArtifact(path: "(missing)/\(binary)", sha256: nil)
      drafts.append(StepDraft(binary, "\(binary) \(layout.version) from \(local.path) (sha256 \(local.sha256.map { String($0.prefix(12)) + "…" } ?? "unknown"))",
        action: .create,
        .upload(source: local.path, path: "\(layout.binaryDirectory)/\(binary)", sha256: local.sha256, mode: 0o755,
          owner: "root", group: "root")))
    }
    return drafts
  }
}

struct CertsKind: StepKind {
  let name = "etcd.certs"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    typealias F = EtcdLayout.PKIFile
    let host = c.host
    var drafts: [StepDraft] = []
    func add(_ file: F, local: String, sha256: String?, secret: Bool, owner: String, note: String) {
      drafts.append(StepDraft(file.rawValue.replacingOccurrences(of: ".", with: "-"), "\(file.path): \(note)",
        action: .create,
        .upload(source: local, path: file.path, sha256: sha256, mode: secret ? 0o600 : 0o644, owner: owner, group: owner)))
    }
    add(.ca, local: inputs.pki.certificatePath, sha256: inputs.pki.certificateSHA256, secret: false, owner: "etcd",
      note: inputs.pki.created ? "the new etcd CA" : "the etcd CA")
    let pairs: [(String, F, F, String)] = [
      (EtcdCertificates.serverName(host), .serverCert, .serverKey, "etcd"),
      (EtcdCertificates.peerName(host), .peerCert, .peerKey, "etcd"),
      (EtcdCertificates.healthcheckName, .healthcheckCert, .healthcheckKey, "root"),
    ]
    for (name, cert, key, owner) in pairs {
      guard let leaf = inputs.leaf(name) else { continue }
      let note: String
      switch leaf.state {
      case .current: note = "\(leaf.spec.commonName), valid until \(leaf.notValidAfter.map { "\($0)".prefix(10) } ?? "?")"
      case .issue(let reason): note = "\(leaf.spec.commonName), new certificate (\(reason))"
      }
      add(cert, local: leaf.certificatePath, sha256: leaf.certificateSHA256, secret: false, owner: owner, note: note)
      add(key, local: leaf.keyPath, sha256: leaf.keySHA256, secret: true, owner: owner, note: "its key")
    }
    return drafts
  }
}

struct UnitKind: StepKind {
  let name = "etcd.unit"
  let parameters: [ParameterSpec] = []

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
    return [StepDraft("unit", "\(EtcdLayout.unitPath): etcd \(layout.version), client and peer TLS with client-cert auth, metrics on 127.0.0.1 (0600 root)",
      action: .create,
      .file(path: EtcdLayout.unitPath, content: EtcdUnit.render(for: c.host, in: layout), mode: 0o600, owner: "root",
        group: "root"))]
  }
}

/// Scripts the member steps share.
enum MemberScripts {
  static let running = "case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; *) exit 1 ;; esac"

  /// Starts etcd without waiting (a new cluster's member is ready only at quorum), then checks that
  /// systemd took the job.
  static let startNoBlock = """
    systemctl daemon-reload && systemctl enable --quiet etcd.service && systemctl start --no-block etcd.service
    for i in $(seq 1 50); do
      case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; esac
      sleep 0.1
    done
    echo "etcd.service did not start: $(systemctl show -p ActiveState,SubState --value etcd.service | tr '\\n' ' ')" >&2
    exit 1
    """

  /// Sets `total` (the members) and `others` (the healthy members other than the one serving at
  /// `clientURL`): what every quorum guard compares.
  static func countMembers(excluding clientURL: String, ctl: String) -> String {
    """
    total=$(\(ctl) member list -w simple | wc -l)
    others=$(\(ctl) endpoint health --cluster 2>&1 | grep 'is healthy' | grep -vc '\(clientURL) ' || true)
    """
  }

  /// Exits 1, saying why, unless the other members keep quorum while `host` restarts.
  static func refuseWithoutQuorum(restarting host: ClusterHost, ctl: String) -> String {
    """
    \(countMembers(excluding: EtcdLayout.clientURL(host), ctl: ctl))
    quorum=$((total / 2 + 1))
    if [ "$others" -lt "$quorum" ]; then
      echo "refusing to restart \(host.name): $others other members are healthy and quorum is $quorum of $total, so quorum could be lost" >&2; exit 1
    fi
    """
  }

  /// Writes the initial-cluster file once: an existing one is never rewritten.
  static func writeInitialCluster(_ cluster: String, state: String, ifAbsent: Bool) -> String {
    let file = EtcdLayout.initialClusterFile
    let write = "printf 'ETCD_INITIAL_CLUSTER=%s\\nETCD_INITIAL_CLUSTER_STATE=%s\\n' \"\(cluster)\" \(state) > \(file).tmp && chmod 0644 \(file).tmp && mv \(file).tmp \(file)"
    return ifAbsent ? "[ -f \(file) ] || { \(write); }" : write
  }
}

/// Bootstrap: start a member of a new cluster, or make sure an existing member runs. Hosts that
/// must join an existing cluster are the join step's.
struct MemberKind: StepKind {
  let name = "etcd.member"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let facts = inputs.facts
    if facts.exists && !facts.isMember(c.host.name) { return [] }
    let layout = EtcdLayout(c.inventory)
    let script = MemberScripts.writeInitialCluster(layout.initialCluster, state: "new", ifAbsent: true) + "\n"
      + MemberScripts.startNoBlock
    let summary = facts.exists
      ? "keep etcd running on \(c.host.name) (a member of the cluster)"
      : "start etcd on \(c.host.name) as member \(c.position + 1) of the initial cluster of \(layout.members.count)"
    return [StepDraft("start", summary, action: .run,
      .command(argv: ["sh", "-c", script], unless: ["sh", "-c", MemberScripts.running]))]
  }
}

/// A host in the inventory that is not yet a member of the running cluster: member add (once), a
/// stale data dir moved aside, the initial-cluster file with state `existing`, then start.
struct JoinKind: StepKind {
  let name = "etcd.join"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let facts = inputs.facts
    guard facts.exists, !facts.isMember(c.host.name) else { return [] }
    let layout = EtcdLayout(c.inventory)
    let live = facts.members.filter(\.started)
    let endpoints = live.compactMap { m in layout.members.first { $0.name == m.name }.map(EtcdLayout.clientURL) }
      .joined(separator: ",")
    let peer = EtcdLayout.peerURL(c.host)
    let ctl = ShellQuoting.commandLine(layout.etcdctl([], endpoints: endpoints.isEmpty ? layout.clientEndpoints : endpoints))
    let data = EtcdLayout.dataDirectory
    let script = """
      set -e
      list() { \(ctl) member list -w simple; }
      if ! list | grep -q ", \(peer), "; then
        if [ -d \(data)/member ]; then mv \(data) \(data).stale-$(date +%s); install -d -o etcd -g etcd -m 0700 \(data); fi
        # etcd refuses a reconfiguration until every member has been connected for a few seconds
        # (strict reconfig check), so a join right after another one retries for a while.
        for i in $(seq 1 30); do
          if out=$(\(ctl) member add \(c.host.name) --peer-urls=\(peer) 2>&1); then break; fi
          case "$out" in *"unhealthy cluster"*) sleep 1 ;; *) echo "$out" >&2; exit 1 ;; esac
        done
        list | grep -q ", \(peer), " || { echo "member add \(c.host.name) still refused after 30 s: $out" >&2; exit 1; }
      fi
      # The cluster to join: every member by name (this one, still unnamed while unstarted, by ours).
      cluster=$(list | awk -F', ' -v me=\(c.host.name) -v peer=\(peer) '{ n = ($4 == peer) ? me : $3; printf "%s%s=%s", sep, n, $4; sep = "," }')
      \(MemberScripts.writeInitialCluster("$cluster", state: "existing", ifAbsent: false))
      \(MemberScripts.startNoBlock)
      """
    return [StepDraft("join", "add \(c.host.name) to the running cluster (member add, then start with --initial-cluster-state=existing)",
      action: .run, .command(argv: ["sh", "-c", script], unless: ["sh", "-c", MemberScripts.running]))]
  }
}

/// Members of the running cluster that the inventory no longer lists are removed, one at a time,
/// from the first inventory member, and only while the rest keep quorum.
struct RemoveKind: StepKind {
  let name = "etcd.remove"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    guard c.position == 0 else { return [] }
    let layout = EtcdLayout(c.inventory)
    let wanted = Set(layout.members.map(\.name))
    let leaving = inputs.facts.members.filter { !wanted.contains($0.name) && !$0.name.isEmpty }
    return leaving.map { member in
      let ctl = ShellQuoting.commandLine(layout.etcdctl([]))
      let script = EtcdScripts.removeMember(member, layout: layout)
      let present = "\(ctl) member list -w simple | grep -q '^\(member.id),'"
      return StepDraft("remove-\(member.name)", "remove member \(member.name) (\(member.id)), no longer in the inventory, keeping quorum",
        action: .delete, .command(argv: ["sh", "-c", script], unless: ["sh", "-c", "! { \(present); }"]))
    }
  }
}

/// Every member healthy, asked from this host over TLS with the health-check client; after an
/// upgrade restart, also this member's revision at least where the cluster was before the restart.
struct HealthGateKind: StepKind {
  let name = "etcd.health-gate"
  /// `when`: `always`; `joining` (only after a host that joins); `removing` (only when members leave);
  /// `upgrading` (only after a host that is upgraded).
  let parameters: [ParameterSpec] = [.string("when", default: "always"), .string("timeout", default: "120")]
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    // A gate after each host of a quorum-safe phase, or once (from the first host) in a parallel one.
    guard c.phase.ordering == .quorumSafe || c.position == 0 else { return [] }
    let layout = EtcdLayout(c.inventory)
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
    let ctl = ShellQuoting.commandLine(layout.etcdctl([]))
    let own = ShellQuoting.commandLine(layout.etcdctl([], endpoints: EtcdLayout.clientURL(c.host)))
    let script = """
      out=$(\(ctl) endpoint health --cluster 2>&1); status=$?
      total=$(\(ctl) member list -w simple 2>/dev/null | wc -l)
      healthy=$(printf '%s\\n' "$out" | grep -c 'is healthy')
      printf '%s\\n' "$out"
      [ "$status" -eq 0 ] && [ "$total" -gt 0 ] && [ "$healthy" -eq "$total" ] || exit 1
      if [ -f \(EtcdLayout.revisionMark) ]; then
        before=$(cat \(EtcdLayout.revisionMark))
        now=$(\(own) endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2)
        echo "revision: $before before the restart, $now now"
        [ -n "$now" ] && [ "$now" -ge "$before" ] || exit 1
        rm -f \(EtcdLayout.revisionMark)
      fi
      """
    let n = layout.members.count
    return [StepDraft("health-gate", "health gate: every member healthy (\(n) in the inventory, quorum \(n / 2 + 1)), asked from \(c.host.name)",
      action: .check, .wait(argv: ["sh", "-c", script], timeoutSeconds: Int(c.params.string("timeout")) ?? 120))]
  }
}

/// A snapshot into the state dir, planned only when this run changes membership or binaries.
struct SnapshotKind: StepKind {
  let name = "etcd.snapshot"
  /// `when`: `membership` (members join or leave), `upgrade` (a member runs another version),
  /// `changes` (either), `always`.
  let parameters: [ParameterSpec] = [.string("when", default: "changes")]
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
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
      .map { $0.replacingOccurrences(of: layout.binaryDirectory, with: "/opt/bulwark/etcd/v\(running)") }
    return [StepDraft("snapshot", "snapshot etcd from \(c.host.name) into \(inputs.snapshotPath)", action: .run,
      .fetch(argv: ctl, remotePath: remote, localPath: inputs.snapshotPath))]
  }
}

/// One member to the inventory's version: refused unless the other members keep quorum without it;
/// leadership moved away if it leads; the revision noted; a restart on the new binary, rolled back
/// to the old one if the new one does not start. Members already on the version plan nothing, so a
/// re-run continues where a stopped one left off. A stopped member is brought up on the new version.
struct UpgradeMemberKind: StepKind {
  let name = "etcd.upgrade-member"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
    guard let facts = inputs.facts.hosts[c.host.name], facts.runningVersion != layout.version else { return [] }
    let ctl = ShellQuoting.commandLine(layout.etcdctl([]))
    let own = ShellQuoting.commandLine(layout.etcdctl([], endpoints: EtcdLayout.clientURL(c.host)))
    let rollback = facts.runningVersion.map { old in
      """
        sed -i 's#\(layout.binaryDirectory)/#/opt/bulwark/etcd/v\(old)/#' \(EtcdLayout.unitPath)
        systemctl daemon-reload; systemctl restart etcd.service || true
        echo "etcd \(layout.version) did not start on \(c.host.name); rolled back to \(old): $(journalctl -u etcd.service -n 3 --no-pager 2>/dev/null | tail -3)" >&2
      """
    } ?? "  echo \"etcd \(layout.version) did not start on \(c.host.name)\" >&2"
    let script = """
      set -e
      \(MemberScripts.refuseWithoutQuorum(restarting: c.host, ctl: ctl))
      if systemctl is-active --quiet etcd.service; then
        status=$(\(own) endpoint status -w simple)
        # ENDPOINT, ID, VERSION, DB SIZE, IS LEADER, ...
        me=$(echo "$status" | awk -F', ' '{print $2}')
        if [ "$(echo "$status" | awk -F', ' '{print $5}')" = true ]; then
          to=$(\(ctl) member list -w simple | awk -F', ' -v me="$me" '$1 != me && $2 == "started" {print $1; exit}')
          \(own) move-leader "$to"
        fi
        \(own) endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2 > \(EtcdLayout.revisionMark)
      fi
      systemctl daemon-reload
      if ! systemctl restart etcd.service; then
      \(rollback)
        exit 1
      fi
      """
    let upgraded = "readlink /proc/$(systemctl show -p MainPID --value etcd.service)/exe | grep -qx \(layout.etcd)"
    let from = facts.runningVersion.map(\.description) ?? "stopped"
    return [
      StepDraft("unit", "\(EtcdLayout.unitPath): ExecStart to etcd \(layout.version) (takes effect at the restart)", action: .update,
        .file(path: EtcdLayout.unitPath, content: EtcdUnit.render(for: c.host, in: layout), mode: 0o600, owner: "root",
          group: "root")),
      StepDraft("upgrade", "restart \(c.host.name) on etcd \(from) -> \(layout.version); leadership moved away first if it leads",
        action: .update, .command(argv: ["sh", "-c", script], unless: ["sh", "-c", upgraded])),
    ]
  }
}

/// Restore a snapshot into this inventory's cluster: every member stops, its data dir is moved
/// aside, the snapshot is restored with this member's name and the inventory's cluster, and all
/// start together (the health gate follows).
struct RestoreKind: StepKind {
  let name = "etcd.restore"
  /// `part`: `restore` (upload, stop, restore) or `start`; every member restores before any starts.
  let parameters: [ParameterSpec] = [.string("part", default: "restore")]
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    guard let snapshot = inputs.restoreFrom else { return [] }
    if c.params.string("part") == "start" {
      return [StepDraft("start", "start etcd on \(c.host.name) on the restored data", action: .run,
        .command(argv: ["sh", "-c", MemberScripts.startNoBlock], unless: ["sh", "-c", MemberScripts.running]))]
    }
    let layout = EtcdLayout(c.inventory)
    let remote = "/var/lib/bulwark/etcd-restore.db"
    let mark = "/var/lib/bulwark/etcd-restored-from"
    let data = EtcdLayout.dataDirectory
    // etcdutl restores from 3.5 on; 3.4 has only etcdctl's.
    let tool = layout.version.minor >= 5 ? "\(layout.binaryDirectory)/etcdutl" : "env ETCDCTL_API=3 \(layout.etcdctl)"
    let script = """
      set -e
      systemctl stop etcd.service
      [ -d \(data) ] && mv \(data) \(data).before-restore-$(date +%s)
      \(tool) snapshot restore \(remote) --name \(c.host.name) --data-dir \(data) \\
        --initial-cluster \(layout.initialCluster) --initial-advertise-peer-urls \(EtcdLayout.peerURL(c.host)) \\
        --initial-cluster-token \(layout.clusterName)-etcd
      chown -R etcd:etcd \(data) && chmod 0700 \(data)
      \(MemberScripts.writeInitialCluster(layout.initialCluster, state: "new", ifAbsent: false))
      echo \(snapshot.sha256 ?? "unknown") > \(mark)
      """
    // Restoring the same snapshot twice is a no-op: the mark names the snapshot last restored.
    let restored = "grep -qx \(snapshot.sha256 ?? "unknown") \(mark) 2>/dev/null"
    return [
      StepDraft("snapshot-upload", "upload \(snapshot.path) to \(remote)", action: .create,
        .upload(source: snapshot.path, path: remote, sha256: snapshot.sha256, mode: 0o600, owner: "root", group: "root")),
      StepDraft("restore", "stop etcd, move \(data) aside, restore the snapshot as member \(c.host.name)", action: .run,
        .command(argv: ["sh", "-c", script], unless: ["sh", "-c", restored])),
    ]
  }
}

/// A member whose running flags are not its unit's (the unit was changed, by Bulwark healing drift
/// or by hand) is restarted, one member at a time and only while the others keep quorum.
struct RestartKind: StepKind {
  let name = "etcd.restart"
  let parameters: [ParameterSpec] = []

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
    let ctl = ShellQuoting.commandLine(layout.etcdctl([]))
    let expected = ([layout.etcd] + EtcdUnit.flags(for: c.host, in: layout)).joined(separator: " ") + " "
    let matches = """
      pid=$(systemctl show -p MainPID --value etcd.service)
      [ -n "$pid" ] && [ "$pid" != 0 ] && [ "$(tr '\\0' ' ' < /proc/$pid/cmdline)" = \(ShellQuoting.quote(expected)) ]
      """
    let restart = """
      set -e
      \(MemberScripts.refuseWithoutQuorum(restarting: c.host, ctl: ctl))
      systemctl daemon-reload
      systemctl restart etcd.service
      """
    return [StepDraft("restart", "restart etcd on \(c.host.name) if its running flags are not its unit's (one member at a time)",
      action: .update, .command(argv: ["sh", "-c", restart], unless: ["sh", "-c", matches]))]
  }
}

/// Scripts the CLI runs directly (`etcd replace`), shared with the step kinds.
public enum EtcdScripts {
  /// `member remove`, refused unless the members that stay keep quorum among themselves; the
  /// leaving member's own health never counts.
  public static func removeMember(_ member: EtcdMember, layout: EtcdLayout) -> String {
    let ctl = ShellQuoting.commandLine(layout.etcdctl([]))
    return """
      set -e
      \(MemberScripts.countMembers(excluding: EtcdLayout.clientURL(forPeerURL: member.peerURL), ctl: ctl))
      remaining=$((total - 1)); quorum=$((remaining / 2 + 1))
      if [ "$others" -lt "$quorum" ]; then
        echo "refusing to remove \(member.name): $others healthy members would remain of $remaining, below quorum $quorum" >&2; exit 1
      fi
      \(ctl) member remove \(member.id)
      """
  }
}
