# Load and faults on the controller side, sourced by run.sh (uses ok/bad/expect/contains, $BIN,
# $work). A 50-host lab: 5 hosts powered off, 5 with SSH dropped by a firewall in their namespace.
# drift and audit must report each of the ten with its own error, complete the other 40, and exit
# 5 (partial: some hosts could not be checked, the others' results are complete).
if [ "$(id -u)" -ne 0 ]; then bad "fleet faults: needs root"; return 0; fi

F=bwflt
fdir="$work/faults"
FLAB=(--name "$F")

expect "faults lab: up 50"                 0 "$BIN" lab up 50 "${FLAB[@]}" --subnet 10.123.14 --out "$fdir"
# Short timeouts, so a silent host costs seconds, not the default ten.
sed 's/^    hostKeyPolicy: strict$/    hostKeyPolicy: strict\n    connectTimeout: 5s\n    commandTimeout: 60s/' "$fdir/lab.yaml" >"$fdir/faults.yaml"
finv="$fdir/faults.yaml"
for i in 46 47 48 49 50; do "$BIN" lab stop "$F$i" "${FLAB[@]}" >/dev/null 2>&1 || bad "power off $F$i"; done
for i in 41 42 43 44 45; do lab_drop_ssh "$F$i" || bad "drop SSH on $F$i"; done

# Each faulty host named with its own error; every other host with its own result.
faulty_named() {
  local what=$1 verb=$2 i missing=""
  for i in 46 47 48 49 50; do grep -qE "^$F$i: could not be $verb: .*(refused|unreachable|no route)" <<<"$out" || missing+=" $F$i"; done
  if [ -z "$missing" ]; then ok "$what: each stopped host has its error"; else bad "$what: each stopped host has its error (missing:$missing)" "$(grep "could not" <<<"$out")"; fi
  missing=""
  for i in 41 42 43 44 45; do grep -qE "^$F$i: could not be $verb: .*(timed out|timeout)" <<<"$out" || missing+=" $F$i"; done
  if [ -z "$missing" ]; then ok "$what: each blocked host has its error"; else bad "$what: each blocked host has its error (missing:$missing)" "$(grep "could not" <<<"$out")"; fi
  local done=0
  for ((i = 1; i <= 40; i++)); do grep -qE "^$F$i: [0-9]+ (passed|drifted)|^$F$i: no drift" <<<"$out" && done=$((done + 1)); done
  if [ "$done" = 40 ]; then ok "$what: the other 40 complete"; else bad "$what: the other 40 complete (only $done)" "$out"; fi
}

t0=$SECONDS
expect "drift on 50, 10 faulty: partial"   5 "$BIN" drift -i "$finv"
echo "     (drift of 50 hosts, 10 faulty: $((SECONDS - t0)) s)"
faulty_named "drift" checked
contains "drift's summary counts them"     ", 10 not checked"
t0=$SECONDS
expect "audit on 50, 10 faulty: partial"   5 "$BIN" audit -i "$finv"
echo "     (audit of 50 hosts, 10 faulty: $((SECONDS - t0)) s)"
faulty_named "audit" audited
contains "audit's summary counts them"     "10 of 50 hosts could not be audited"
# The same with only faulty hosts: nothing could be checked, a plain failure.
expect "only faulty hosts: failure"        1 "$BIN" audit -i "$finv" --limit "host=${F}46,host=${F}41"

expect "faults lab down"                   0 "$BIN" lab down "${FLAB[@]}"
