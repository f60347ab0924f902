# etcd end-to-end checks on lab hosts, sourced by run.sh (uses ok/bad/expect/contains, $BIN, $work).
# One 5-host lab: 3 members bootstrapped on 3.4.23, upgraded to 3.5.30 (the lab's default, Debian
# unstable's) under a writer (with a failure injected half way), grown to 5 and shrunk back to 3, one
# member replaced; then a second, fresh lab bootstrapped on 3.5.1 is upgraded to 3.5.30 under a writer
# and a snapshot of the first is restored into it.
if [ "$(id -u)" -ne 0 ]; then bad "etcd: needs root"; return 0; fi

E=bwetcd
edir="$work/etcd"
ELAB=(--name "$E")
eip() { echo "10.123.8.$((10 + $1))"; }
# etcd_inventory VERSION N: the first N lab hosts as etcd members.
etcd_inventory() {
  local f="$edir/etcd$2.yaml"
  etcd_lab_inventory "$f" "$E" 10.123.8 "$1" "$2"
  echo "$f"
}
pki="$edir/$E.state/pki/etcd"
etcdctl=cache/artifacts/etcd/v3.5.30/etcdctl
# etcdctl from the controller, over TLS with Bulwark's own client certificate (of the cluster whose
# PKI is $CPKI, at the endpoints $EP; the first lab's by default).
ctl() {
  local p=${CPKI:-$pki}
  env ETCDCTL_API=3 "$etcdctl" --endpoints="${EP:-https://$(eip 1):2379,https://$(eip 2):2379,https://$(eip 3):2379}" \
    --cacert="$p/ca.crt" --cert="$p/clients/bulwark.crt" --key="$p/clients/bulwark.key" --dial-timeout=2s --command-timeout=3s "$@"
}
# A writer putting w0, w1, ... and a quorum monitor, both until $work/stop exists; logs under $work/NAME.
start_writer() {
  rm -f "$work/stop"
  ( n=0; while [ ! -f "$work/stop" ]; do
      if ctl put "w$n" "$n" >/dev/null 2>&1; then echo "$(date +%s%3N) ok $n"; n=$((n + 1)); else echo "$(date +%s%3N) fail"; fi
    done >"$work/$1.writer.log" ) &
  writer=$!
  ( while [ ! -f "$work/stop" ]; do
      echo "$(date +%s%3N) $(ctl endpoint health --cluster 2>&1 | grep -c 'is healthy')"; sleep 0.2
    done >"$work/$1.monitor.log" ) &
  monitor=$!
  sleep 1
}
# Stops them and checks: it kept writing, quorum held, and every write it was told succeeded is there.
check_writer() {
  local name=$1 writes gap lowest lost
  sleep 1; touch "$work/stop"; wait "$writer" "$monitor"
  writes=$(grep -c ' ok ' "$work/$name.writer.log")
  gap=$(awk '$2 == "fail" && !f {f = $1} $2 == "ok" && f {g = $1 - f; if (g > m) m = g; f = 0} END {print m + 0}' "$work/$name.writer.log")
  lowest=$(awk '{print $2}' "$work/$name.monitor.log" | sort -n | head -1)
  if [ "$writes" -gt 50 ] && [ "$gap" -lt 1000 ]; then
    ok "$name: the writer kept writing: $writes writes, longest failing stretch ${gap} ms (election timeout 1000 ms)"
  else bad "$name: the writer kept writing ($writes writes, longest failing stretch ${gap} ms)"; fi
  if [ "${lowest:-0}" -ge 2 ]; then ok "$name: quorum never dropped (fewest healthy members seen: $lowest of 3)"; else bad "$name: quorum never dropped (fewest healthy: $lowest)"; fi
  lost=$(comm -23 <(awk '$2 == "ok" {print "w" $3}' "$work/$name.writer.log" | sort) <(ctl get w --prefix --keys-only | grep '^w' | sort) | wc -l)
  if [ "$writes" -gt 0 ] && [ "$lost" -eq 0 ]; then ok "$name: every acknowledged write is there ($writes)"; else bad "$name: every acknowledged write is there" "$lost of $writes missing"; fi
}
on() { local h=$1; shift; "$BIN" lab ssh "${ELAB[@]}" "$E$h" -- "$@"; }

expect "etcd lab: up 5"                    0 "$BIN" lab up 5 "${ELAB[@]}" --subnet 10.123.8 --out "$edir"
inv3=$(etcd_inventory 3.4.23 3)

# Bootstrap, then re-apply with nothing to do.
expect "bootstrap 3 members on 3.4.23"     0 "$BIN" apply -i "$inv3" --yes
contains "the plan starts every member"    "start etcd on ${E}3 as member 3 of the initial cluster of 3"
contains "one health gate for all"         "health gate: every member healthy"
expect "health over TLS, client certs"     0 ctl endpoint health --cluster
if [ "$(grep -c 'is healthy' <<<"$out")" -eq 3 ]; then ok "3 members healthy"; else bad "3 members healthy" "$out"; fi
if ! env ETCDCTL_API=3 "$etcdctl" --endpoints="https://$(eip 1):2379" --cacert="$pki/ca.crt" \
  --dial-timeout=2s --command-timeout=3s get x >/dev/null 2>&1; then
  ok "a client without a certificate is refused"; else bad "a client without a certificate is refused"; fi
files="/etc/etcd/pki/server.crt /etc/etcd/pki/server.key /etc/systemd/system/etcd.service /opt/bulwark/etcd/v3.4.23/etcd /var/lib/etcd"
before=$(on 1 sudo stat -c "'%n %a %U:%G %Y'" $files)
expect "re-apply"                          0 "$BIN" apply -i "$inv3" --yes
contains "re-apply changes nothing"        "Applied: 0 changed,"
after=$(on 1 sudo stat -c "'%n %a %U:%G %Y'" $files)
if [ "$before" = "$after" ]; then ok "re-apply leaves files untouched (mtimes)"; else bad "re-apply leaves files untouched" "$before"$'\n'"$after"; fi
if grep -q "server.key 600 etcd:etcd" <<<"$after" && grep -q "etcd.service 600 root:root" <<<"$after" && grep -q "/var/lib/etcd 700 etcd:etcd" <<<"$after"; then
  ok "keys 0600, unit 0600 root, data dir 0700 etcd"; else bad "keys 0600, unit 0600 root, data dir 0700 etcd" "$after"; fi
expect "unit flags: TLS everywhere"        0 on 1 sudo cat /etc/systemd/system/etcd.service
for flag in --client-cert-auth=true --peer-client-cert-auth=true --auto-tls=false --peer-auto-tls=false \
  --listen-metrics-urls=http://127.0.0.1:2381; do contains "unit has $flag" "$flag"; done
expect "certs lists expiries"              0 "$BIN" certs -i "$inv3"
contains "certs: a member's server cert"   "etcd/members/${E}1-server"
contains "certs: nothing to renew"         "keep"
if [ "$(find "$edir/$E.state" -name '*.key' ! -perm 0600 | wc -l)" -eq 0 ] && [ "$(stat -c %a "$edir/$E.state")" = 700 ]; then
  ok "state dir 0700, every key 0600"; else bad "state dir 0700, every key 0600"; fi

# 1,000 keys.
for b in $(seq 0 7); do
  { echo; for i in $(seq $((b * 125 + 1)) $((b * 125 + 125))); do echo "put key$i value$i"; done; echo; echo; } | ctl txn >/dev/null
done
if [ "$(ctl get key --prefix --keys-only | grep -c key)" -eq 1000 ]; then ok "1000 keys written"; else bad "1000 keys written"; fi

# Version rules.
etcd_inventory 3.6.0 3 >/dev/null
expect "skipping a minor version is refused" 3 "$BIN" upgrade -i "$inv3" --yes
contains "skip: says why"                  "would skip a minor version"
etcd_inventory 3.4.22 3 >/dev/null
expect "a downgrade is refused"            3 "$BIN" upgrade -i "$inv3" --yes
contains "downgrade: says why"             "downgrades are refused"
etcd_inventory 3.5.30 3 >/dev/null
expect "apply will not change versions"    3 "$BIN" apply -i "$inv3" --yes
contains "apply points at upgrade"         "run \`bulwark upgrade"

# The rolling upgrade 3.4.23 -> 3.5.30, under a writer and a quorum monitor.
start_writer "3.4.23->3.5.30"
# A setting etcd 3.5 rejects and 3.4 ignores: the second member's new binary will not start.
on 2 "echo ETCD_ENABLE_LOG_ROTATION=bogus | sudo tee -a /etc/etcd/initial-cluster.env >/dev/null"
expect "upgrade stops at a failing member" 1 "$BIN" upgrade -i "$inv3" --yes
contains "a snapshot comes first"          "Snapshot: $edir/$E.state/snapshots/"
contains "the failure is named"            "rolled back to 3.4.23"
contains "the stop is explained"           "The upgrade stopped there"
versions=$(ctl endpoint status -w simple | awk -F', ' '{print $1, $3}' | sort)
if [ "$(awk '{print $2}' <<<"$versions" | tr '\n' ' ')" = "3.5.30 3.4.23 3.4.23 " ]; then
  ok "mixed versions, every member running"; else bad "mixed versions, every member running" "$versions"; fi
on 2 "sudo sed -i /ETCD_ENABLE_LOG_ROTATION/d /etc/etcd/initial-cluster.env"
expect "a re-run continues"                0 "$BIN" upgrade -i "$inv3" --yes
if ! grep -q "etcd-upgrade/${E}1/upgrade" <<<"$out"; then ok "the upgraded member is not touched again"; else bad "the upgraded member is not touched again" "$out"; fi
check_writer "3.4.23->3.5.30"
versions=$(ctl endpoint status -w simple | awk -F', ' '{print $3}' | sort -u | tr '\n' ' ')
if [ "$versions" = "3.5.30 " ]; then ok "every member runs 3.5.30"; else bad "every member runs 3.5.30" "$versions"; fi
if [ "$(ctl get key --prefix --keys-only | grep -c key)" -eq 1000 ]; then ok "all 1000 keys survive"; else bad "all 1000 keys survive"; fi
expect "upgrade again"                     0 "$BIN" upgrade -i "$inv3" --yes
contains "upgrade again changes nothing"   "Applied: 0 changed,"

# Membership: grow to 5 one member at a time, shrink back to 3.
inv5=$(etcd_inventory 3.5.30 5)
expect "two hosts join"                    0 "$BIN" apply -i "$inv5" --yes
contains "each joins the running cluster"  "add ${E}5 to the running cluster"
contains "a gate after each join"          "etcd-join/${E}4/health-gate"
contains "a snapshot before the change"    "Snapshot: "
if [ "$(EP=https://$(eip 1):2379 ctl member list -w simple | grep -c started)" -eq 5 ]; then ok "5 started members"; else bad "5 started members" "$(EP=https://$(eip 1):2379 ctl member list)"; fi
expect "re-apply with 5"                   0 "$BIN" apply -i "$inv5" --yes
contains "5 members: nothing to do"        "Applied: 0 changed,"
etcd_inventory 3.5.30 3 >/dev/null
expect "two members leave"                 0 "$BIN" apply -i "$inv3" --yes
contains "removal keeps quorum"            "remove member ${E}4"
if [ "$(ctl member list -w simple | wc -l)" -eq 3 ]; then ok "back to 3 members"; else bad "back to 3 members" "$(ctl member list)"; fi

# A dead member is replaced by a rebuilt host.
old_id=$(ctl member list -w simple | awk -F', ' -v n="${E}2" '$3 == n {print $1}')
expect "kill a member's host"              0 "$BIN" lab stop "${E}2" "${ELAB[@]}"
expect "a rebuilt host comes up"           0 "$BIN" lab start "${E}2" --fresh "${ELAB[@]}"
expect "etcd replace"                      0 "$BIN" etcd replace "${E}2" -i "$inv3" --yes
contains "the old member is removed"       "Removing member ${E}2 ($old_id)"
new_id=$(ctl member list -w simple | awk -F', ' -v n="${E}2" '$3 == n {print $1}')
if [ -n "$new_id" ] && [ "$new_id" != "$old_id" ] && [ "$(ctl endpoint health --cluster 2>&1 | grep -c 'is healthy')" -eq 3 ]; then
  ok "a new member in its place, 3 healthy"; else bad "a new member in its place, 3 healthy" "$(ctl member list)"; fi
if [ "$(EP=https://$(eip 2):2379 ctl get key --prefix --keys-only --consistency=s | grep -c key)" -eq 1000 ]; then
  ok "the new member holds every key"; else bad "the new member holds every key"; fi

# Snapshot; a fresh cluster on 3.5.1 upgraded to 3.5.30 under a writer; the snapshot restored into it.
expect "etcd snapshot"                     0 "$BIN" etcd snapshot -i "$inv3"
snap=$(sed -n 's/^Snapshot: //p' <<<"$out" | tail -1)
if [ -s "$snap" ] && [ "$(stat -c %a "$snap")" = 600 ]; then ok "the snapshot is in the state dir, 0600"; else bad "the snapshot is in the state dir" "$out"; fi
source_keys=$(ctl get "" --prefix --keys-only | grep -v '^$' | sort | sha256sum)
R=bwrst
expect "a second, fresh lab"               0 "$BIN" lab up 3 --name "$R" --subnet 10.123.6 --out "$edir/rst"
rinv() { sed -e "s/name: $E$/name: $R/" -e "s/10.123.8/10.123.6/g" -e "s/$E\([0-9]\)/$R\1/g" -e "s/etcd: 3.5.30$/etcd: $1/" "$inv3" >"$edir/rst/etcd.yaml"; }
rinv 3.5.1
expect "bootstrap it on 3.5.1"             0 "$BIN" apply -i "$edir/rst/etcd.yaml" --yes
rpki="$edir/rst/$R.state/pki/etcd"
CPKI=$rpki EP=https://10.123.6.11:2379,https://10.123.6.12:2379,https://10.123.6.13:2379
start_writer "3.5.1->3.5.30"
rinv 3.5.30
expect "upgrade it 3.5.1 -> 3.5.30"        0 "$BIN" upgrade -i "$edir/rst/etcd.yaml" --yes
check_writer "3.5.1->3.5.30"
versions=$(ctl endpoint status -w simple | awk -F', ' '{print $3}' | sort -u | tr '\n' ' ')
if [ "$versions" = "3.5.30 " ]; then ok "the second lab runs 3.5.30"; else bad "the second lab runs 3.5.30" "$versions"; fi
expect "restore the snapshot into it"      0 "$BIN" etcd restore -i "$edir/rst/etcd.yaml" "$snap" --yes
restored_keys=$(EP=https://10.123.6.11:2379 ctl get "" --prefix --keys-only | grep -v '^$' | sort | sha256sum)
unset CPKI EP
if [ "$restored_keys" = "$source_keys" ]; then ok "the restored cluster has exactly the source's keys"; else bad "the restored cluster has exactly the source's keys"; fi
expect "restoring again does nothing"      0 "$BIN" etcd restore -i "$edir/rst/etcd.yaml" "$snap" --yes
contains "restore is idempotent"           "Applied: 0 changed,"

expect "etcd labs down"                    0 "$BIN" lab down "${ELAB[@]}"
expect "restore lab down"                  0 "$BIN" lab down --name "$R"
