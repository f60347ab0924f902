#!/usr/bin/env bash
# Not a test: a whole cluster's life on one lab, timed step by step. On N lab hosts (3 etcd
# members, 3 control planes, the rest workers): the bootstrap up to the Kubernetes binaries (which
# cannot be had here: host prep, the firewall, node prep with containerd, etcd, haproxy and
# keepalived) and the hardening, a second apply that must change nothing, drift and audit. Prints
# for each the wall time, the controller's CPU time and peak memory and the CPU time the lab hosts
# spent meanwhile (all of them share this machine's cores), the five slowest steps of the first
# apply (from the run journal), and the total.
#   bench/cluster/run.sh [BIN] [--hosts=N] [--smoke] [--floor]
# --floor: on a fresh lab of the same shape, times only what no change to Bulwark removes: dpkg
# installing the same packages on every control plane and worker at once, over plain OpenSSH
# (the packages copied there first, untimed). --smoke runs it too, at 4 hosts.
# BIN defaults to the release build. --smoke (make test): 4 hosts with the debug build, checking
# the sequence still works and the second apply changes nothing, not the timing.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="" N=50 SMOKE=no FLOOR=no
for a in "$@"; do
  case $a in --smoke) SMOKE=yes N=4 ;; --floor) FLOOR=yes ;; --hosts=*) N=${a#--hosts=} ;; *) BIN=$a ;; esac
done
if [ -z "$BIN" ]; then
  if [ "$SMOKE" = yes ]; then BIN=.build/debug/bulwark; else
    swift build -c release --product bulwark >/dev/null
    BIN=$(swift build -c release --show-bin-path)/bulwark
  fi
fi
out=$PWD/bench/out/cluster
rm -rf "$out"; mkdir -p "$out"
LAB=(--name bwcl)
trap '"$BIN" lab down "${LAB[@]}" >/dev/null 2>&1 || true' EXIT
"$BIN" lab up "$N" "${LAB[@]}" --subnet 10.123.15 --out "$out/lab" >/dev/null
inv=$out/lab/lab.yaml

# The bootstrap playbook without what needs Kubernetes' own binaries: their upload and the phases
# that run kubeadm.
awk '
  /^  - name: / { skip = ($3 == "control-planes" || $3 == "workers" || $3 == "cluster-addons" || $3 == "node-remove") }
  /^  #/ { next }
  skip { next }
  /^      - kind: kubernetes.binaries$/ { next }
  { print }
' playbooks/bootstrap.yaml | sed 's/^name: bootstrap$/name: to-binaries/' >"$out/to-binaries.yaml"
book=$out/to-binaries.yaml

# The CPU time all lab hosts used so far, in microseconds (their cgroup's cpu.stat).
cg=/sys/fs/cgroup/unified/bulwark-lab/bwcl; [ -f "$cg/cpu.stat" ] || cg=/sys/fs/cgroup/bulwark-lab/bwcl
hosts_cpu() { awk '$1 == "usage_usec" {print $2}' "$cg/cpu.stat" 2>/dev/null || echo 0; }

# timed NAME WANTED-EXIT CMD...: wall, CPU (user + sys) and peak RSS of CMD, and the CPU the lab
# hosts spent meanwhile, one table row.
rows=() total=0
timed() {
  local name=$1 want=$2; shift 2
  local t0 t1 rc=0 h0 h1
  h0=$(hosts_cpu)
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$out/time" "$@" >"$out/$name.log" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  h1=$(hosts_cpu)
  if [ "$rc" != "$want" ]; then echo "$name exited $rc, wanted $want; see $out/$name.log" >&2; tail -20 "$out/$name.log" >&2; exit 1; fi
  local wall cpu rss
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
  read -r u s rss < <(tail -1 "$out/time")
  cpu=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.1f", u + s}')
  total=$(awk -v t="$total" -v w="$wall" 'BEGIN {printf "%.1f", t + w}')
  rows+=("| $name | $wall | $cpu | $((rss / 1024)) | $(awk -v a="$h0" -v b="$h1" 'BEGIN {printf "%.1f", (b - a) / 1e6}') | $(nproc) |")
}

timed "apply (bootstrap to the binaries, hardening)" 0 "$BIN" apply -i "$inv" --playbook "$book" --yes
timed "second apply" 0 "$BIN" apply -i "$inv" --playbook "$book" --yes
grep -q "Applied: 0 changed," "$out/second apply.log" || { echo "the second apply changed something:" >&2; grep -E "changed|FAILED" "$out/second apply.log" >&2; exit 1; }
timed "drift" 0 "$BIN" drift -i "$inv" --playbook "$book"
timed "audit" 0 "$BIN" audit -i "$inv"

echo "$N lab hosts (3 etcd, $([ "$N" -ge 6 ] && echo 3 || echo $((N - 3))) control planes, $((N > 6 ? N - 6 : 0)) workers), $("$BIN" --version)"
echo
echo "| stage | wall s | controller CPU s | controller peak MB | lab hosts' CPU s | cores |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "| **all four** | **$total** | | | | |"
echo
echo "The five slowest steps of the first apply (from the run journal):"
python3 - "$out/lab/bwcl.state/journal.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
first = db.execute("SELECT min(id) FROM runs").fetchone()[0]
start, end = db.execute("SELECT started, ended FROM runs WHERE id = ?", (first,)).fetchone()
for step, secs, outcome in db.execute(
    "SELECT step, ended - started, outcome FROM steps WHERE run = ? AND ended IS NOT NULL ORDER BY ended - started DESC LIMIT 5", (first,)):
    print(f"  {secs:6.2f} s  {step} ({outcome})")
busy = db.execute("SELECT sum(ended - started) FROM steps WHERE run = ? AND ended IS NOT NULL", (first,)).fetchone()[0]
print(f"  run {end - start:.1f} s; the steps' time summed over hosts {busy:.1f} s")
PY
if [ "$SMOKE" = yes ]; then echo "smoke ok: $N hosts, the second apply changed nothing"; fi

# The floor: what the first apply cannot go below on this machine, whatever Bulwark does. A fresh
# lab of the same shape; the packages node preparation installs (the lab's node packages, then
# containerd and runc) copied to every control plane and worker first, untimed; then `dpkg -i` of
# them on all those hosts at once over plain OpenSSH, as Bulwark's two install steps run it.
if [ "$FLOOR" = yes ] || [ "$SMOKE" = yes ]; then
  "$BIN" lab down "${LAB[@]}" >/dev/null
  "$BIN" lab up "$N" "${LAB[@]}" --subnet 10.123.15 --out "$out/lab" >/dev/null
  # The two directories the inventory names: artifacts.nodePackages, and artifacts.containerd
  # with versions.containerd put in.
  read -r nodedir cddir < <(awk '
    /^  [a-z]+:/ { section = $1 }
    section == "versions:" && $1 == "containerd:" { v = $2 }
    section == "artifacts:" && /^    [A-Za-z]+:$/ { key = $1 }
    section == "artifacts:" && $1 == "file:" { file[key] = $2 }
    END { c = file["containerd:"]; sub(/\{version\}/, v, c); print file["nodePackages:"], c }' "$inv")
  nodedebs=("$nodedir"/*.deb) cddebs=("$cddir"/*.deb)
  [ -f "${nodedebs[0]}" ] && [ -f "${cddebs[0]}" ] || { echo "floor: no packages in '$nodedir' and '$cddir' (from $inv)" >&2; exit 1; }
  mapfile -t nodes < <(awk '
    $1 == "address:" { a = $2 }
    $1 == "roles:" && /control-plane|worker/ { print a }' "$inv")
  user=$(awk '$1 == "user:" {print $2; exit}' "$inv")
  sshopts=(-i "$out/lab/id_ed25519" -o UserKnownHostsFile="$out/lab/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR)
  ssh_to() { ssh "${sshopts[@]}" "$user@$1" "$2"; }
  pids=()
  copy_to() { tar -cf - -C "$2" . | ssh_to "$1" "mkdir -p /var/tmp/floor/$3 && tar -xf - -C /var/tmp/floor/$3"; }
  for a in "${nodes[@]}"; do
    ( copy_to "$a" "$nodedir" node && copy_to "$a" "$cddir" containerd ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "floor: copying the packages failed" >&2; exit 1; }; done
  h0=$(hosts_cpu) t0=$(date +%s.%N) pids=()
  for a in "${nodes[@]}"; do
    ssh_to "$a" 'sudo env DEBIAN_FRONTEND=noninteractive dpkg -i /var/tmp/floor/node/*.deb >/dev/null &&
      sudo env DEBIAN_FRONTEND=noninteractive dpkg -i /var/tmp/floor/containerd/*.deb >/dev/null' </dev/null >"$out/floor-$a.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "floor: dpkg failed; see $out/floor-*.log" >&2; exit 1; }; done
  t1=$(date +%s.%N) h1=$(hosts_cpu)
  hosts="${#nodes[@]} hosts"; [ "${#nodes[@]}" -eq 1 ] && hosts="1 host"
  echo
  echo "The floor: dpkg alone, the same packages on $hosts at once: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s wall," \
    "$(awk -v a="$h0" -v b="$h1" 'BEGIN {printf "%.1f", (b - a) / 1e6}') s of the hosts' CPU on $(nproc) cores"
  if [ "$SMOKE" = yes ]; then echo "smoke ok: the floor ran on $hosts"; fi
fi
