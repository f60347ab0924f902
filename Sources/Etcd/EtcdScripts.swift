import Inventory
import Support

/// Every `sh -c` body the etcd domain sends to a host, one function per script, rendered as a
/// `ShellScript` so that each interpolated value is quoted with `ShellQuoting.quote`. Values that
/// the scripts read from the hosts while they run (member names, ids, PIDs, revisions) are checked
/// with a `case` pattern before use and only ever expanded inside double quotes. Each script is
/// golden-tested (`Tests/EtcdTests/Goldens/scripts/`).
public enum EtcdScripts {
  static let unit = EtcdLayout.unitName

  // MARK: service state

  /// Whether etcd.service is active or activating: exit 0 if so; otherwise prints `etcd.service is
  /// STATE (SUBSTATE), not running yet` and exits 1.
  static func running() -> ShellScript {
    """
    state=$(systemctl show -p ActiveState --value \(unit)); sub=$(systemctl show -p SubState --value \(unit))
    case "$state" in active|activating) exit 0 ;; esac
    printf '%s is %s (%s), not running yet\\n' \(unit) "${state:-unknown}" "${sub:-unknown}"; exit 1
    """
  }

  /// Starts etcd without waiting (a new cluster's member is ready only at quorum), then checks for
  /// up to 5 s that systemd took the job. Exit 0 once the unit is active or activating; otherwise
  /// prints `etcd.service did not start: STATE SUBSTATE` on stderr and exits 1.
  static func startNoBlock() -> ShellScript {
    """
    systemctl daemon-reload && systemctl enable --quiet \(unit) && systemctl start --no-block \(unit)
    for i in $(seq 1 50); do
      case $(systemctl show -p ActiveState --value \(unit)) in active|activating) exit 0 ;; esac
      sleep 0.1
    done
    printf '%s did not start: %s\\n' \(unit) "$(systemctl show -p ActiveState,SubState --value \(unit) | tr '\\n' ' ')" >&2
    exit 1
    """
  }

  /// Sets `pid` to etcd.service's main PID; when it has none (0) or it is not a number, prints
  /// `etcd.service is not running (no main process)` and exits 1.
  static func mainPID() -> ShellScript {
    """
    pid=$(systemctl show -p MainPID --value \(unit))
    case "$pid" in ""|0|*[!0-9]*) printf '%s is not running (no main process)\\n' \(unit); exit 1 ;; esac
    """
  }

  /// Whether the running etcd is the binary at `etcd`: exit 0 if so; if not, prints `etcd runs
  /// PATH, wants ETCD` and exits 1 (not running: as `mainPID`).
  static func runsBinary(_ etcd: String) -> ShellScript {
    """
    \(mainPID())
    exe=$(readlink "/proc/$pid/exe")
    [ "$exe" = \(etcd) ] && exit 0
    printf 'etcd runs %s, wants %s\\n' "${exe:-an unknown binary}" \(etcd); exit 1
    """
  }

  /// Whether the running etcd's command line is exactly `expected` (its words joined by spaces,
  /// with a trailing space, as `/proc/PID/cmdline` reads with NULs made spaces): exit 0 if so; if
  /// not, prints `etcd runs with WORDS its unit does not set, and without WORDS` (either list may be
  /// `nothing`) and exits 1 (not running: as `mainPID`). The running words are only compared and
  /// printed as data, with globbing off.
  static func runsFlags(_ expected: String) -> ShellScript {
    """
    \(mainPID())
    now=$(tr '\\0' ' ' < "/proc/$pid/cmdline"); want=\(expected)
    [ "$now" = "$want" ] && exit 0
    set -f; extra=""; missing=""
    for w in $now; do case " $want" in *" $w "*) ;; *) extra="$extra $w" ;; esac; done
    for w in $want; do case " $now" in *" $w "*) ;; *) missing="$missing $w" ;; esac; done
    printf 'etcd runs with%s its unit does not set, and without%s\\n' "${extra:- nothing}" "${missing:- nothing}"; exit 1
    """
  }

  // MARK: quorum

  /// Sets `total` (the members) and `others` (the healthy members other than the one serving at
  /// `clientURL`): what every quorum guard compares. Both are counts from `wc`/`grep -c`, so digits.
  static func countMembers(excluding clientURL: String, ctl: [String]) -> ShellScript {
    """
    total=$(\(command: ctl) member list -w simple | wc -l)
    others=$(\(command: ctl) endpoint health --cluster 2>&1 | grep 'is healthy' | grep -vc \(clientURL + " ") || true)
    """
  }

  /// Exits 1 unless the other members keep quorum while `host` restarts, printing `refusing to
  /// restart HOST: N other members are healthy and quorum is Q of T, so quorum could be lost` on
  /// stderr; otherwise goes on.
  static func refuseWithoutQuorum(restarting host: ClusterHost, ctl: [String]) -> ShellScript {
    """
    \(countMembers(excluding: EtcdLayout.clientURL(host), ctl: ctl))
    quorum=$((total / 2 + 1))
    if [ "$others" -lt "$quorum" ]; then
      printf 'refusing to restart %s: %s other members are healthy and quorum is %s of %s, so quorum could be lost\\n' \(host.name) "$others" "$quorum" "$total" >&2; exit 1
    fi
    """
  }

  // MARK: membership

  /// Writes `$cluster` (set by the caller) and `state` (`new` or `existing`) into the initial-cluster
  /// file, through a temporary file and a rename. With `ifAbsent`, an existing file is left alone.
  /// Prints nothing; a failed write fails the command.
  static func writeInitialCluster(state: String, ifAbsent: Bool) -> ShellScript {
    let file = EtcdLayout.initialClusterFile, temporary = file + ".tmp"
    let write: ShellScript = """
      printf 'ETCD_INITIAL_CLUSTER=%s\\nETCD_INITIAL_CLUSTER_STATE=%s\\n' "$cluster" \(state) > \(temporary) && chmod 0644 \(temporary) && mv \(temporary) \(file)
      """
    return ifAbsent ? "[ -f \(file) ] || { \(write); }" : write
  }

  /// Bootstrap: the initial-cluster file for a new cluster of `initialCluster` (written once), then
  /// `startNoBlock`. Exit codes and output are `startNoBlock`'s.
  static func startMember(initialCluster: String) -> ShellScript {
    """
    cluster=\(initialCluster)
    \(writeInitialCluster(state: "new", ifAbsent: true))
    \(startNoBlock())
    """
  }

  /// Sets `cluster` to the member list as `NAME=PEER,...` for a member that joins: `name` stands in
  /// for the entry at `peerURL` (unnamed until it starts). Every name and peer URL comes from the
  /// hosts, so each is checked with a `case` pattern first; a line that is not six fields, a peer
  /// URL that is not a URL, or a name that is empty or not a DNS-1123 name makes it print
  /// `refusing to join: ...` on stderr (never the refused value) and exit 1. Prints nothing else.
  static func clusterToJoin(name: String, peerURL: String, ctl: [String]) -> ShellScript {
    """
    entries=$(\(command: ctl) member list -w simple | awk -F', ' -v me=\(name) -v peer=\(peerURL) 'NF != 6 { print "?"; next } { print $4 " " (($4 == peer) ? me : $3) }')
    cluster=""
    while IFS= read -r entry; do
      p=${entry%% *}; n=${entry#* }
      case "$p" in http://*|https://*) ;; *) printf 'refusing to join: a member list line does not read as ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER\\n' >&2; exit 1 ;; esac
      case "$p" in *[!]0-9A-Za-z.:/[-]*) printf 'refusing to join: a member has a peer URL that is not a URL\\n' >&2; exit 1 ;; esac
      case "$n" in ""|-*|.*|*-|*.|*[!a-z0-9.-]*) printf 'refusing to join: the member at %s has no name or one that is not a DNS-1123 name\\n' "$p" >&2; exit 1 ;; esac
      cluster="$cluster${cluster:+,}$n=$p"
    done <<EOF
    $entries
    EOF
    """
  }

  /// A host that joins the running cluster: `member add` (once, retried for 30 s while etcd's
  /// strict reconfiguration check says the cluster is unhealthy), a stale data dir moved aside, the
  /// initial-cluster file with state `existing` (`clusterToJoin`), then `startNoBlock`. Exit 1 with
  /// etcdctl's output on stderr when the add fails; otherwise as `clusterToJoin`, `startNoBlock`.
  static func join(_ host: ClusterHost, ctl: [String]) -> ShellScript {
    let peer = EtcdLayout.peerURL(host), data = EtcdLayout.dataDirectory
    return """
      set -e
      list() { \(command: ctl) member list -w simple; }
      if ! list | grep -q \(", \(peer), "); then
        if [ -d \(data + "/member") ]; then mv \(data) \(data).stale-$(date +%s); install -d -o etcd -g etcd -m 0700 \(data); fi
        # etcd refuses a reconfiguration until every member has been connected for a few seconds
        # (strict reconfig check), so a join right after another one retries for a while.
        for i in $(seq 1 30); do
          if out=$(\(command: ctl) member add \(host.name) --peer-urls=\(peer) 2>&1); then break; fi
          case "$out" in *"unhealthy cluster"*) sleep 1 ;; *) printf '%s\\n' "$out" >&2; exit 1 ;; esac
        done
        list | grep -q \(", \(peer), ") || { printf 'member add %s still refused after 30 s: %s\\n' \(host.name) "$out" >&2; exit 1; }
      fi
      # The cluster to join: every member by name (this one, still unnamed while unstarted, by ours).
      \(clusterToJoin(name: host.name, peerURL: peer, ctl: ctl))
      \(writeInitialCluster(state: "existing", ifAbsent: false))
      \(startNoBlock())
      """
  }

  /// `member remove`, refused unless the members that stay keep quorum among themselves; the
  /// leaving member's own health never counts. Exit 1 with `refusing to remove NAME: ...` on stderr
  /// when quorum would be lost; otherwise etcdctl's exit code and output. `member` has passed
  /// `EtcdMember`'s checks, and is quoted all the same. A `String` because `etcd replace` sends it
  /// as is.
  public static func removeMember(_ member: EtcdMember, layout: EtcdLayout) -> String {
    let ctl = layout.etcdctl([])
    let script: ShellScript = """
      set -e
      \(countMembers(excluding: EtcdLayout.clientURL(forPeerURL: member.peerURL), ctl: ctl))
      remaining=$((total - 1)); quorum=$((remaining / 2 + 1))
      if [ "$others" -lt "$quorum" ]; then
        printf 'refusing to remove %s: %s healthy members would remain of %s, below quorum %s\\n' \(member.name) "$others" "$remaining" "$quorum" >&2; exit 1
      fi
      \(command: ctl) member remove \(member.id)
      """
    return script.text
  }

  /// Whether no member has the id `id`: exit 0 if none has; if one has, prints `member ID is still
  /// in the cluster` and exits 1.
  static func memberAbsent(id: String, ctl: [String]) -> ShellScript {
    """
    \(command: ctl) member list -w simple | grep -q \("^\(id),") || exit 0
    printf 'member %s is still in the cluster\\n' \(id); exit 1
    """
  }

  /// Prints `message` on stderr and exits 1: a plan step that stands for a refusal.
  static func refuse(_ message: String) -> ShellScript {
    """
    printf '%s\\n' \(message) >&2
    exit 1
    """
  }

  // MARK: health

  /// The health gate: every member healthy (etcdctl's `endpoint health --cluster`, printed on
  /// stdout) and as many healthy as listed; exit 1 otherwise. After an upgrade restart (the file
  /// `revisionMark` exists) also this member's revision at least the one noted before the restart,
  /// printed as `revision: BEFORE before the restart, NOW now`; the mark is then removed. A mark
  /// that does not hold a number prints `the revision mark PATH holds no revision` and exits 1.
  static func healthGate(ctl: [String], own: [String], revisionMark: String = EtcdLayout.revisionMark) -> ShellScript {
    """
    out=$(\(command: ctl) endpoint health --cluster 2>&1); status=$?
    total=$(\(command: ctl) member list -w simple 2>/dev/null | wc -l)
    healthy=$(printf '%s\\n' "$out" | grep -c 'is healthy')
    printf '%s\\n' "$out"
    [ "$status" -eq 0 ] && [ "$total" -gt 0 ] && [ "$healthy" -eq "$total" ] || exit 1
    if [ -f \(revisionMark) ]; then
      before=$(cat \(revisionMark))
      case "$before" in ""|*[!0-9]*) printf 'the revision mark %s holds no revision\\n' \(revisionMark) >&2; exit 1 ;; esac
      now=$(\(command: own) endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2)
      echo "revision: $before before the restart, $now now"
      [ -n "$now" ] && [ "$now" -ge "$before" ] || exit 1
      rm -f \(revisionMark)
    fi
    """
  }

  // MARK: upgrade and restart

  /// Before an upgrade restart of a running member: if it leads, leadership moves to the first
  /// other started member; then its revision is written to `revisionMark`. The ids come from the
  /// hosts, so each must be hexadecimal: otherwise it prints `... no readable id ...` on stderr and
  /// exits 1. Does nothing when etcd is not running.
  static func moveLeadershipAway(ctl: [String], own: [String], revisionMark: String = EtcdLayout.revisionMark) -> ShellScript {
    """
    if systemctl is-active --quiet \(unit); then
      status=$(\(command: own) endpoint status -w simple)
      # ENDPOINT, ID, VERSION, DB SIZE, IS LEADER, ...
      me=$(printf '%s\\n' "$status" | awk -F', ' '{print $2}')
      case "$me" in ""|*[!0-9a-f]*) printf 'this member reports no readable id\\n' >&2; exit 1 ;; esac
      if [ "$(printf '%s\\n' "$status" | awk -F', ' '{print $5}')" = true ]; then
        to=$(\(command: ctl) member list -w simple | awk -F', ' -v me="$me" '$1 != me && $2 == "started" {print $1; exit}')
        case "$to" in ""|*[!0-9a-f]*) printf 'no other started member with a readable id to move leadership to\\n' >&2; exit 1 ;; esac
        \(command: own) move-leader "$to"
      fi
      \(command: own) endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2 > \(revisionMark)
    fi
    """
  }

  /// One member to `layout`'s version: `refuseWithoutQuorum`, `moveLeadershipAway`, then a
  /// restart on the new unit. If the restart fails, the unit goes back to the binary of `running`
  /// (when known) and etcd restarts on it; it prints `etcd NEW did not start on HOST; rolled back
  /// to OLD: LAST LOG LINES` (or just `etcd NEW did not start on HOST`) on stderr and exits 1.
  static func upgradeMember(_ host: ClusterHost, layout: EtcdLayout, running: Version?) -> ShellScript {
    let ctl = layout.etcdctl([]), own = layout.etcdctl([], endpoints: EtcdLayout.clientURL(host))
    let new = layout.version.description
    let failed: ShellScript
    if let old = running {
      let back = "s#\(layout.binaryDirectory)/#\(EtcdLayout.binaryDirectory(for: old))/#"
      failed = """
        sed -i \(back) \(EtcdLayout.unitPath)
        systemctl daemon-reload; systemctl restart \(unit) || true
        printf 'etcd %s did not start on %s; rolled back to %s: %s\\n' \(new) \(host.name) \(old.description) "$(journalctl -u \(unit) -n 3 --no-pager 2>/dev/null | tail -3)" >&2
        """
    } else {
      failed = "printf 'etcd %s did not start on %s\\n' \(new) \(host.name) >&2"
    }
    return """
      set -e
      \(refuseWithoutQuorum(restarting: host, ctl: ctl))
      \(moveLeadershipAway(ctl: ctl, own: own))
      systemctl daemon-reload
      if ! systemctl restart \(unit); then
      \(failed)
        exit 1
      fi
      """
  }

  /// A member whose running flags are not its unit's: `refuseWithoutQuorum`, then a restart.
  /// Exit codes and output are those of the guard and of systemctl.
  static func restartMember(_ host: ClusterHost, ctl: [String]) -> ShellScript {
    """
    set -e
    \(refuseWithoutQuorum(restarting: host, ctl: ctl))
    systemctl daemon-reload
    systemctl restart \(unit)
    """
  }

  // MARK: restore

  /// Restores the snapshot at `snapshot` as `host`'s member of `layout`'s cluster: etcd stopped,
  /// the data dir moved aside, the restore run with `tool` (etcdutl, or etcdctl before 3.5), the
  /// initial-cluster file rewritten with state `new`, and `sha256` written to `mark`. Stops at the
  /// first failing command (its exit code and output).
  static func restoreMember(
    _ host: ClusterHost, layout: EtcdLayout, tool: [String], snapshot: String, sha256: String, mark: String
  ) -> ShellScript {
    let data = EtcdLayout.dataDirectory
    return """
      set -e
      systemctl stop \(unit)
      [ -d \(data) ] && mv \(data) \(data).before-restore-$(date +%s)
      \(command: tool) snapshot restore \(snapshot) --name \(host.name) --data-dir \(data) \\
        --initial-cluster \(layout.initialCluster) --initial-advertise-peer-urls \(EtcdLayout.peerURL(host)) \\
        --initial-cluster-token \(layout.clusterName + "-etcd")
      chown -R etcd:etcd \(data) && chmod 0700 \(data)
      cluster=\(layout.initialCluster)
      \(writeInitialCluster(state: "new", ifAbsent: false))
      echo \(sha256) > \(mark)
      """
  }

  /// Whether the snapshot with `sha256` is the one last restored (`mark` holds it): exit 0 if so; if
  /// not, prints `not restored from snapshot sha256 PREFIX… yet (MARK names another or none)` and
  /// exits 1.
  static func restoredFrom(sha256: String, mark: String) -> ShellScript {
    """
    grep -qx \(sha256) \(mark) 2>/dev/null && exit 0
    printf 'not restored from snapshot sha256 %s yet (%s names another or none)\\n' \(String(sha256.prefix(12)) + "…") \(mark); exit 1
    """
  }

  // MARK: facts

  /// The read-only probe: `state=`, `version=` (of the running binary, from itself), `data=yes|no`
  /// lines, then `members:` and etcdctl's simple member list when a running etcdctl is found.
  /// Always exits 0. The PID is checked to be a number before `/proc` is read.
  static func probe() -> ShellScript {
    typealias F = EtcdLayout.PKIFile
    let flags = [
      "--endpoints=https://127.0.0.1:\(EtcdLayout.clientPort)", "--cacert=\(F.ca.path)", "--cert=\(F.healthcheckCert.path)",
      "--key=\(F.healthcheckKey.path)", "--dial-timeout=3s", "--command-timeout=5s",
    ]
    return """
      state=$(systemctl show -p ActiveState --value \(unit) 2>/dev/null)
      echo "state=${state:-unknown}"
      pid=$(systemctl show -p MainPID --value \(unit) 2>/dev/null)
      exe=""
      case "$pid" in ""|0|*[!0-9]*) ;; *) exe=$(readlink "/proc/$pid/exe") ;; esac
      if [ -n "$exe" ]; then echo "version=$("$exe" --version 2>/dev/null | sed -n 's/^etcd Version: //p')"; fi
      if [ -d \(EtcdLayout.dataDirectory + "/member") ]; then echo data=yes; else echo data=no; fi
      if [ -n "$exe" ] && [ -x "$(dirname "$exe")/etcdctl" ]; then
        echo members:
        ETCDCTL_API=3 "$(dirname "$exe")/etcdctl" \(command: flags) \\
          member list -w simple 2>/dev/null || true
      fi
      exit 0
      """
  }
}
