# Operator experience end to end, sourced by run.sh (uses ok/bad/expect/contains, $BIN, $work):
# live plans, the controller SIGKILLed mid-bootstrap and resumed, a host firewalled mid-apply,
# stale saved plans, the lock, progress output (plain, live, quiet, verbose), and the HTML report
# checked in headless Chromium.
if [ "$(id -u)" -ne 0 ]; then bad "ops: needs root"; return 0; fi

O=bwo
odir="$work/ops"
OLAB=(--name "$O")
oon() { local h=$1; shift; "$BIN" lab ssh "${OLAB[@]}" "$O$h" -- "$@"; }
# Waits (at most 20 s) for a line matching $2 in file $1.
wait_for_line() { local i; for i in $(seq 1 2000); do grep -qE -- "$2" "$1" && return 0; sleep 0.01; done; return 1; }

expect "ops lab: up 3"                      0 "$BIN" lab up 3 "${OLAB[@]}" --subnet 10.123.3 --out "$odir"
oinv="$odir/lab.yaml"
# Short timeouts, so a firewalled host fails in seconds rather than minutes.
sed 's/^    hostKeyPolicy: strict$/    hostKeyPolicy: strict\n    connectTimeout: 8s\n    commandTimeout: 20s/' "$oinv" >"$odir/short.yaml"

# A plan from live facts: every host asked, nothing touched.
expect "a live plan of fresh hosts exits 2" 2 "$BIN" plan -i "$oinv"
contains "it was made from live facts"      "(planned from live facts"
contains "what is absent is created"        "+ etcd-install/${O}1/unit"
contains "why, per step"                    "/etc/systemd/system/etcd.service is absent"
contains "the summary line"                 " to add, "
if oon 1 "test -e /etc/systemd/system/etcd.service"; then bad "plan touched nothing"; else ok "plan touched nothing"; fi

# SIGKILL the controller in the middle of the bootstrap; the next apply shows what was in flight,
# re-checks and finishes.
"$BIN" apply -i "$oinv" --yes >"$odir/killed.txt" 2>&1 &
apid=$!
if wait_for_line "$odir/killed.txt" "start +etcd-members/"; then ok "the bootstrap reached the etcd members"; else bad "the bootstrap reached the etcd members" "$(tail -5 "$odir/killed.txt")"; fi
kill -9 "$apid"; wait "$apid" 2>/dev/null
out=$(cat "$odir/killed.txt")
if grep -qE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] (start|ok|changed) ' <<<"$out"; then ok "progress: timestamped lines without a terminal"; else bad "progress: timestamped lines without a terminal" "$(head -5 <<<"$out")"; fi
if ! grep -q $'\e' <<<"$out"; then ok "progress: no escape codes without a terminal"; else bad "progress: no escape codes without a terminal"; fi
expect "resume after SIGKILL"               0 "$BIN" apply -i "$oinv" --yes
contains "the unfinished run is named"      "Resuming: run #1 (bootstrap"
contains "what was in flight is shown"      "in flight then: "
contains "and checked again"                "is checked again before anything is applied"
expect "then nothing is left to do"         0 "$BIN" plan -i "$oinv"
contains "the plan says so"                 " 0 to add, 0 to change, 0 to remove, 0 to run"
expect "no drift after the resumed run"     0 "$BIN" drift -i "$oinv"
expect "the audit passes"                   0 "$BIN" audit -i "$oinv"

# An apply with nothing to do trusts what its own live plan just saw in place (one probe per host):
# no step runs a command of its own but the gates, which are checkpoints of the run (one check
# each). -v echoes every command and write the steps make; the plan's own probes are not echoed.
"$BIN" plan -i "$oinv" -o json >"$odir/nothing.json" 2>/dev/null
gates=$(python3 -c 'import json, sys; print(sum(s["action"] == "check" for s in json.load(open(sys.argv[1]))["steps"]))' "$odir/nothing.json")
expect "an apply with nothing to do"        0 "$BIN" apply -i "$oinv" --yes -v
contains "it changes nothing"               "Applied: 0 changed,"
contains "its steps were seen in place"     "ok       etcd-install/${O}1/peer-key (in place when planned)"
echoed=$(grep -cE "^    ${O}[0-9]+ [$] " <<<"$out")
if [ -n "$gates" ] && [ "$echoed" = "$gates" ]; then ok "only the $gates gates ran a command"; else bad "only the ${gates:-?} gates ran a command ($echoed did)" "$(grep -E "^    ${O}[0-9]+ [$] " <<<"$out" | head -5)"; fi
# A file tampered with before apply: the plan's probe sees it, so the step runs check, apply, check
# and is fixed; that host's later steps are checked again.
oon 1 "sudo chmod 0644 /etc/etcd/pki/peer.key"
expect "an apply after a tamper"            0 "$BIN" apply -i "$oinv" --yes -v
contains "the tampered key is fixed"        "changed  etcd-install/${O}1/peer-key: mode 0644 -> 0600"
contains "its check ran on ${O}1"           "    ${O}1 \$ "
if [ "$(oon 1 "sudo stat -c %a /etc/etcd/pki/peer.key")" = 600 ]; then ok "the key is 0600 again"; else bad "the key is 0600 again"; fi

# One run per cluster: a held lock refuses a second run; a lock left by a dead run is taken over.
flock "$odir/$O.state/lock" sleep 4 &
fpid=$!
sleep 0.5
expect "a second run is refused"            1 "$BIN" apply -i "$oinv" --yes
contains "the lock is named"                "another Bulwark run holds this cluster's lock"
wait "$fpid"
printf '999999\nelsewhere\n2026-01-01T00:00:00Z\nbulwark apply\n' >"$odir/$O.state/lock"
expect "a stale lock is taken over"         0 "$BIN" apply -i "$oinv" --yes -q
contains "the stale lock is reported"       "a stale lock from pid 999999"
contains "-q prints the summary"            "Applied: 0 changed,"
if [ "$(wc -l <<<"$out")" -le 3 ]; then ok "-q prints little else"; else bad "-q prints little else" "$out"; fi

# A saved plan: applied while the hosts match it, refused once one changed.
oon 2 "sudo chmod 0644 /etc/etcd/pki/peer.key"
expect "plan --out"                         2 "$BIN" plan -i "$oinv" --out "$odir/plan.json"
contains "the change is in the plan"        "mode 0644 -> 0600"
oon 3 "sudo chmod 0644 /etc/etcd/pki/server.key"
expect "a stale saved plan is refused"      3 "$BIN" apply "$odir/plan.json" --yes
contains "the refusal says why"             "the hosts changed since this plan was made"
contains "and names the step"               "etcd-install/${O}3/server-key: when planned: as desired; now: mode 0644 -> 0600"
expect "a fresh saved plan"                 2 "$BIN" plan -i "$oinv" --out "$odir/plan.json"
expect "is applied as saved"                0 "$BIN" apply "$odir/plan.json" --yes -v
contains "-v shows the commands"            "${O}3 \$ "
contains "both keys are fixed"              "changed  etcd-install/${O}3/server-key: mode 0644 -> 0600"

# A host firewalled mid-apply: reported, the others finish; once it is back, a re-run completes.
for h in 1 2 3; do oon "$h" "sudo sysctl -qw net.ipv4.tcp_syncookies=0"; done
"$BIN" apply -i "$odir/short.yaml" --yes >"$odir/blocked.txt" 2>&1 &
apid=$!
if wait_for_line "$odir/blocked.txt" "start +host-prep/${O}3/"; then lab_drop_ssh "${O}3"; ok "SSH to ${O}3 blocked mid-apply"; else bad "SSH to ${O}3 blocked mid-apply"; fi
wait "$apid"; rc=$?
out=$(cat "$odir/blocked.txt")
if [ "$rc" = 1 ]; then ok "the run fails"; else bad "the run fails (exit $rc)" "$out"; fi
contains "the host is reported"             "FAILED   "
if grep -E "FAILED +[^ ]*/${O}3/" <<<"$out" | grep -q "${O}3"; then ok "the failure is on ${O}3"; else bad "the failure is on ${O}3" "$(grep FAILED <<<"$out")"; fi
contains "the others carry on"              "changed  harden/${O}1/sysctl"
contains "and on"                           "changed  harden/${O}2/sysctl"
contains "a long wait is announced"         "still waiting for "
lab_undrop_ssh "${O}3"
expect "resume once the host is back"       0 "$BIN" apply -i "$oinv" --yes
contains "the failed run is named"          "failed then: "
contains "the rest is done"                 "changed  harden/${O}3/sysctl"
expect "no drift at the end"                0 "$BIN" drift -i "$oinv"

# On a terminal: the live view; NO_COLOR drops the colours, not the view.
# The bar counts every step of the plan: its total is the plan's own, read from its first line.
steps=$("$BIN" plan -i "$oinv" 2>/dev/null | sed -n 's/^Plan for cluster .*: \([0-9]*\) steps on .*/\1/p')
expect "apply on a terminal"                0 script -qec "$BIN apply -i $oinv --yes" /dev/null
contains "the overall bar"                  "/${steps:-?} steps"
if grep -q $'\e\[32m' <<<"$out"; then ok "colours on a terminal"; else bad "colours on a terminal"; fi
expect "NO_COLOR on a terminal"             0 env NO_COLOR=1 script -qec "$BIN apply -i $oinv --yes" /dev/null
if ! grep -q $'\e\[3[0-9]m' <<<"$out" && grep -q "/${steps:-?} steps" <<<"$out"; then ok "NO_COLOR: no colours, still the view"; else bad "NO_COLOR: no colours, still the view"; fi

# The report: one self-contained page, checked by taking a screenshot in headless Chromium.
oon 1 "sudo chmod 0644 /etc/etcd/pki/peer.key"
expect "a plan to report"                   2 "$BIN" plan -i "$oinv"
expect "the HTML report"                    0 "$BIN" report -i "$oinv" --html "$odir/report.html"
contains "it counts the finding"            "1 failing checks"
for text in "<svg" ">${O}1</text>" "etcd member" "Last plan" "E13 etcd peer key" "mode 0644 -&gt; 0600"; do
  if grep -qF -- "$text" "$odir/report.html"; then ok "the page has: $text"; else bad "the page has: $text"; fi
done
# Self-contained: nothing fetched from elsewhere. The network tables' filter is one inline script;
# without it every row still shows.
if ! grep -qE '<script[^>]* src=|src="http|href="http|url\(http' "$odir/report.html"; then ok "the page is self-contained"; else bad "the page is self-contained"; fi
if [ "$(grep -o '<script' "$odir/report.html" | wc -l)" -le 1 ]; then ok "at most the one inline script"; else bad "at most the one inline script"; fi
# Chromium stays off the network: a dead loopback proxy for anything it might fetch, no DNS, no
# background services. The page needs none of it (that is what self-contained means).
expect "a headless Chromium screenshot"     0 timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-domain-reliability \
  --proxy-server=127.0.0.1:9 --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$odir/chromium" \
  --window-size=1280,1600 --screenshot="$odir/report.png" "file://$odir/report.html"
if python3 - "$odir/report.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, size = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IHDR": size = struct.unpack(">II", data[pos + 8:pos + 16])
    if kind == b"IDAT": idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
assert size == (1280, 1600), size
# A blank or error page is nearly one colour; the report has text, a picture and coloured cards.
assert len(set(raw)) > 100, len(set(raw))
PY
then ok "the screenshot shows a rendered page"; else bad "the screenshot shows a rendered page"; fi
oon 1 "sudo chmod 0600 /etc/etcd/pki/peer.key"

expect "ops lab down"                       0 "$BIN" lab down "${OLAB[@]}"
