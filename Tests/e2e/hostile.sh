# Values from hosts are data, never code; saved plans apply from anywhere. Sourced by run.sh and
# one.sh (uses ok/bad/expect/contains, $BIN, $work). One 3-host etcd lab: bootstrapped from a plan
# saved in the lab's directory with relative paths and applied from /, then its third member is
# rebuilt under the name `$(touch MARKER)`. plan, drift, audit, apply and the etcd commands read that
# name; no host and not this machine may run it, and each must say which member it refused.
if [ "$(id -u)" -ne 0 ]; then bad "hostile: needs root"; return 0; fi

H=bwhost
hdir="$work/hostile"
HLAB=(--name "$H")
hip() { echo "10.123.11.$((10 + $1))"; }
hon() { local h=$1; shift; "$BIN" lab ssh "${HLAB[@]}" "$H$h" -- "$@"; }
hbin=$(realpath "$BIN")
repo=$PWD
# No plan or drift output may fall back to an exit status where it should say what differs.
says_what_differs() {
  if grep -q "its check exited" <<<"$out"; then bad "$1: says what differs, not 'its check exited'" "$(grep "its check exited" <<<"$out")"
  else ok "$1: says what differs"; fi
}

hostile_start=$(date +%s)
expect "hostile lab: up 3"                 0 "$BIN" lab up 3 "${HLAB[@]}" --subnet 10.123.11 --out "$hdir"
etcd_lab_inventory "$hdir/etcd.yaml" "$H" 10.123.11 3.5.30 3

# A plan saved from the lab's directory, every path given relative to it; applied from /.
expect "plan --out, relative paths"        2 env -C "$hdir" "$hbin" plan -i etcd.yaml --out plan.json \
  --playbook "$(realpath --relative-to="$hdir" "$repo/playbooks/bootstrap.yaml")"
says_what_differs "the first plan"
contains "a fresh host's sysctl file is not written yet" "90-bulwark-hardening.conf is not written yet"
if python3 - "$hdir/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
paths = [p["inventory"], p["playbookFile"]] + [s["operation"]["upload"]["source"] for s in p["steps"] if "upload" in s["operation"]]
bad = [x for x in paths if not x.startswith("/")]
assert len(paths) > 10 and not bad, bad
PY
then ok "the saved plan names its inventory, playbook and uploads by absolute paths"
else bad "the saved plan names its inventory, playbook and uploads by absolute paths" "$(head -c 2000 "$hdir/plan.json")"; fi
expect "apply the saved plan from /"       0 env -C / "$hbin" apply "$hdir/plan.json" --yes
contains "the saved plan bootstraps etcd"  "health gate: every member healthy"
expect "a second plan: nothing to do"      0 env -C / "$hbin" plan -i "$hdir/etcd.yaml" --playbook "$repo/playbooks/bootstrap.yaml"

# The third member rebuilt under a hostile name: same address, certificates and flags.
pki="$hdir/$H.state/pki/etcd"
hctl() {
  env ETCDCTL_API=3 cache/artifacts/etcd/v3.5.30/etcdctl --endpoints="https://$(hip 1):2379,https://$(hip 2):2379" \
    --cacert="$pki/ca.crt" --cert="$pki/clients/bulwark.crt" --key="$pki/clients/bulwark.key" --dial-timeout=2s --command-timeout=5s "$@"
}
marker=/tmp/bulwark-hostile-$$
hostile="\$(touch $marker)"
rm -f "$marker"
id3=$(hctl member list -w simple | awk -F', ' -v n="${H}3" '$3 == n {print $1}')
peer3="https://$(hip 3):2380"
hon 3 sudo systemctl stop etcd
hctl member remove "$id3" >/dev/null
hon 3 sudo rm -rf /var/lib/etcd/member
# etcd refuses a member add until every voting member has been connected for 5 s ("unhealthy
# cluster"); right after the bootstrap that may not be so yet. Bulwark's own join retries the same way.
added=no
for _ in $(seq 1 30); do
  if out=$(hctl member add "$hostile" --peer-urls="$peer3" 2>&1); then added=yes; break; fi
  case "$out" in *"unhealthy cluster"*) sleep 1 ;; *) break ;; esac
done
[ "$added" = yes ] || echo "member add of the hostile name failed: $out" >&2
# The unit's own ExecStart, but --name taken from the drop-in's environment (one word, unexpanded).
hon 3 sudo cat /etc/systemd/system/etcd.service |
  awk '/^ExecStart=/ {on = 1} on {print; if ($0 !~ /\\$/) exit}' | sed 's/--name=[^ ]*/--name=${HOSTILE_NAME}/' >"$hdir/exec"
{ echo "[Service]"; echo "Environment=\"HOSTILE_NAME=$hostile\""; echo "ExecStart="; cat "$hdir/exec"; } >"$hdir/hostile.conf"
printf "ETCD_INITIAL_CLUSTER='%s'\nETCD_INITIAL_CLUSTER_STATE=existing\n" \
  "${H}1=https://$(hip 1):2380,${H}2=https://$(hip 2):2380,$hostile=$peer3" >"$hdir/initial-cluster.env"
hon 3 sudo mkdir -p /etc/systemd/system/etcd.service.d
hon 3 sudo tee /etc/systemd/system/etcd.service.d/hostile.conf <"$hdir/hostile.conf" >/dev/null
hon 3 sudo tee /etc/etcd/initial-cluster.env <"$hdir/initial-cluster.env" >/dev/null
expect "the hostile member starts"         0 hon 3 sudo sh -c "'systemctl daemon-reload && systemctl start etcd'"
# The member reports its name once it has joined: wait for that (at most 15 s) rather than race it.
listed=no
for _ in $(seq 1 30); do hctl member list -w simple 2>/dev/null | grep -qF ", started, $hostile, $peer3," && { listed=yes; break; }; sleep 0.5; done
if [ "$listed" = yes ]; then
  ok "the cluster lists a started member named $hostile"
else bad "the cluster lists a started member named $hostile" "$(hctl member list -w simple 2>&1; hon 3 sudo journalctl -u etcd -n 20 --no-pager)"; fi

# Everything that reads member names, run against it.
refused="at $peer3 has a name that is not a DNS-1123 name"
expect "plan with the hostile member"      2 "$BIN" plan -i "$hdir/etcd.yaml"
contains "plan names the refused member"   "$refused"
says_what_differs "plan with the hostile member"
expect "drift finds the refused member"    2 "$BIN" drift -i "$hdir/etcd.yaml"
contains "drift names the refused member"  "$refused"
says_what_differs "drift"
expect "audit runs, clean"                 0 "$BIN" audit -i "$hdir/etcd.yaml"
expect "apply stops at the refusal"        1 "$BIN" apply -i "$hdir/etcd.yaml" --yes
contains "apply says why it stops"         "refusing to change etcd membership: etcd member"
expect "etcd snapshot"                     0 "$BIN" etcd snapshot -i "$hdir/etcd.yaml"
expect "etcd replace refuses to guess"     1 "$BIN" etcd replace "${H}3" -i "$hdir/etcd.yaml" --yes
contains "replace says why"                "cannot tell whether ${H}3 is still a member: etcd member"
contains "replace names the refused member" "$refused"
members=$(hctl member list -w simple 2>&1)
if grep -qF ", started, $hostile, $peer3," <<<"$members" && [ "$(grep -c started <<<"$members")" -eq 3 ]; then
  ok "membership is as it was: nothing was removed around the refused member"; else bad "membership is as it was" "$members"; fi
found=""
for i in 1 2 3; do
  hon "$i" sudo sh -c "'test ! -e $marker'" || found="$found $H$i"
done
find /var/lib/bulwark-lab/"$H" -name "${marker##*/}" 2>/dev/null | grep -q . && found="$found (a host's overlay)"
[ -e "$marker" ] && found="$found (this machine)"
if [ -z "$found" ]; then ok "no shell ran the member's name: $marker is on no host and not here"
else bad "no shell ran the member's name: $marker exists on$found"; fi

expect "hostile lab down"                  0 "$BIN" lab down "${HLAB[@]}"
echo "     (hostile part: $(($(date +%s) - hostile_start)) s)"
