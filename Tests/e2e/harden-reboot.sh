# Power cycles on a bootstrapped, hardened lab, sourced by run.sh (uses ok/bad/expect/contains,
# $BIN, $work). Three etcd members are bootstrapped and hardened, given keys, then every host is
# powered off and on (a crash: every process killed), first one at a time and then all at once.
# After each cycle: etcd healthy with every key kept, each host's firewall loaded exactly as before,
# audit clean, drift clean, and a live plan with nothing to do.
if [ "$(id -u)" -ne 0 ]; then bad "reboot: needs root"; return 0; fi

B=bwboot
bdir="$work/reboot"
BLAB=(--name "$B")
bip() { echo "10.123.16.$((10 + $1))"; }
bon() { local h=$1; shift; "$BIN" lab ssh "${BLAB[@]}" "$B$h" -- "$@"; }
bctl() {
  local p="$bdir/$B.state/pki/etcd"
  env ETCDCTL_API=3 cache/artifacts/etcd/v3.5.30/etcdctl \
    --endpoints="https://$(bip 1):2379,https://$(bip 2):2379,https://$(bip 3):2379" \
    --cacert="$p/ca.crt" --cert="$p/clients/bulwark.crt" --key="$p/clients/bulwark.key" \
    --dial-timeout=2s --command-timeout=3s "$@"
}
# The loaded table of host I, as nft prints it numerically (no name lookups), hashed.
firewall_of() { bon "$1" "sudo nft -n list table inet bulwark | sha256sum" 2>/dev/null | tail -1; }
# Waits (at most 40 s) until all three members report healthy.
etcd_healthy() {
  local i
  for i in $(seq 1 80); do
    [ "$(bctl endpoint health --cluster 2>/dev/null | grep -c 'is healthy')" = 3 ] && return 0
    sleep 0.5
  done
  return 1
}
declare -A fw_before=()
# after_cycle WHAT: every check a power cycle must leave true.
after_cycle() {
  local what=$1 i
  if etcd_healthy; then ok "$what: etcd healthy on all three"; else bad "$what: etcd healthy on all three" "$(bctl endpoint health --cluster 2>&1)"; fi
  local count; count=$(bctl get --prefix boot/ --count-only -w fields 2>/dev/null | sed -n 's/^"Count" : //p')
  if [ "$count" = 300 ]; then ok "$what: every key kept"; else bad "$what: every key kept (count '$count', wanted 300)"; fi
  local diff=""
  for i in 1 2 3; do [ "$(firewall_of "$i")" = "${fw_before[$i]}" ] || diff+=" $B$i"; done
  if [ -z "$diff" ]; then ok "$what: each firewall loaded as before"; else bad "$what: each firewall loaded as before (differs on$diff)"; fi
  expect "$what: audit clean"                0 "$BIN" audit -i "$binv"
  expect "$what: drift clean"                0 "$BIN" drift -i "$binv"
  expect "$what: a plan with nothing to do"  0 "$BIN" plan -i "$binv"
}

expect "reboot lab: up 3"                  0 "$BIN" lab up 3 "${BLAB[@]}" --subnet 10.123.16 --out "$bdir"
binv="$bdir/lab.yaml"
expect "reboot: bootstrap and harden"      0 "$BIN" apply -i "$binv" --yes
for b in 0 1 2; do
  { echo; for i in $(seq $((b * 100 + 1)) $((b * 100 + 100))); do echo "put boot/key$i value$i"; done; echo; echo; } | bctl txn >/dev/null
done
for i in 1 2 3; do fw_before[$i]=$(firewall_of "$i"); done
if [ -n "${fw_before[1]}" ] && [ -n "${fw_before[3]}" ]; then ok "reboot: the firewalls are loaded"; else bad "reboot: the firewalls are loaded"; fi
after_cycle "before any cycle"

# One host at a time, as a rolling maintenance would.
for i in 1 2 3; do
  expect "power off $B$i"                  0 "$BIN" lab stop "$B$i" "${BLAB[@]}"
  expect "power on $B$i"                   0 "$BIN" lab start "$B$i" "${BLAB[@]}"
  etcd_healthy || bad "etcd back after $B$i's cycle"
done
after_cycle "one at a time"

# All at once, as a power cut: the members come back together and find their quorum again.
pids=()
for i in 1 2 3; do "$BIN" lab stop "$B$i" "${BLAB[@]}" >"$bdir/stop$i.log" 2>&1 & pids+=($!); done
rcs=""; for p in "${pids[@]}"; do wait "$p"; rcs+="$?"; done
if [ "$rcs" = 000 ]; then ok "all three off at once"; else bad "all three off at once (exits $rcs)" "$(cat "$bdir"/stop*.log)"; fi
if ! bctl endpoint health >/dev/null 2>&1; then ok "no member answers while all are off"; else bad "no member answers while all are off"; fi
pids=()
for i in 1 2 3; do "$BIN" lab start "$B$i" "${BLAB[@]}" >"$bdir/start$i.log" 2>&1 & pids+=($!); done
rcs=""; for p in "${pids[@]}"; do wait "$p"; rcs+="$?"; done
if [ "$rcs" = 000 ]; then ok "all three on at once"; else bad "all three on at once (exits $rcs)" "$(cat "$bdir"/start*.log)"; fi
after_cycle "all at once"

expect "reboot lab down"                   0 "$BIN" lab down "${BLAB[@]}"
