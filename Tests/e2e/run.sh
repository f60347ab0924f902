#!/usr/bin/env bash
# End-to-end checks of the bulwark binary as a user runs it: exit codes, output formats, files.
# Usage: Tests/e2e/run.sh PATH-TO-BULWARK. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-.build/debug/bulwark}
work=$(mktemp -d)
chmod 755 "$work"  # the sshd hosts read authorized_keys as the login user
trap 'rm -rf "$work"' EXIT

source Tests/e2e/lib.sh

# The samples pin supported versions with no known vulnerability at or above high: valid.
expect "validate hybrid sample"            0 "$BIN" validate -i inventories/hybrid.yaml
contains "validate reports the topology"   'cluster "hybrid", 14 hosts, 5 etcd members, 3 control planes'
expect "validate single sample"            0 "$BIN" validate -i inventories/single.yaml
# A copy pinned to etcd 3.5.1 (CVE-2021-28235) is refused (exit 4) before anything is planned; its
# relative artifact paths (../cache/artifacts) still reach the cache.
mkdir -p "$work/inventories"
ln -s "$PWD/cache" "$work/cache"
cp inventories/hybrid.known_hosts "$work/inventories/"
sed 's/^    etcd: 3.5.30$/    etcd: 3.5.1/' inventories/hybrid.yaml >"$work/inventories/vulnerable.yaml"
expect "validate refuses a vulnerable etcd" 4 "$BIN" validate -i "$work/inventories/vulnerable.yaml"
contains "the finding names fix and field" "inventories/vulnerable.yaml:14:11: error: etcd 3.5.1: GHSA-gmph-wf7j-9gcm (CVE-2021-28235) [critical 9.8]"
contains "the nearest fix on the line"     "fixed in 3.5.8 [GHSA-gmph-wf7j-9gcm]"
contains "the refusal says what to do"     "error: refused:"
expect "plan --offline refuses too"        4 "$BIN" plan --offline -i "$work/inventories/vulnerable.yaml"
if ! grep -qF "Plan:" <<<"$out"; then ok "a refused plan prints no plan"; else bad "a refused plan prints no plan" "$out"; fi
expect "validate -o sarif"                 4 "$BIN" validate -i "$work/inventories/vulnerable.yaml" -o sarif
"$BIN" validate -i "$work/inventories/vulnerable.yaml" -o sarif >"$work/validate.sarif" 2>/dev/null
if python3 Tests/CLITests/Fixtures/validate_sarif.py Tests/CLITests/Fixtures/sarif-2.1.0-subset.schema.json "$work/validate.sarif"; then
  ok "the SARIF is valid SARIF 2.1.0"; else bad "the SARIF is valid SARIF 2.1.0"; fi
# The same copy with what refuses waived, as an operator would.
{ cat "$work/inventories/vulnerable.yaml"; printf '  security:\n    vulnerabilities:\n      waivers:\n'
  python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["runs"][0]["results"]:
    if r["level"] == "error" and not r.get("suppressions"): print(r["ruleId"])' "$work/validate.sarif" | sort -u |
    while read -r id; do printf '        - {id: %s, reason: "e2e: the sample is only validated and planned offline", expires: %s}\n' "$id" "$(date -u -d tomorrow +%F)"; done
} >"$work/inventories/waived.yaml"
expect "validate the waived copy"          0 "$BIN" validate -i "$work/inventories/waived.yaml"
contains "a waived finding is still shown" "waived: etcd 3.5.1: GHSA-gmph-wf7j-9gcm"
expect "validate -o junit of the waived"   0 "$BIN" validate -i "$work/inventories/waived.yaml" -o junit
contains "JUnit skips the waived"          '<skipped message="waived until'
expect "invalid inventory exits 3"         3 "$BIN" validate -i inventories/invalid/multiple-errors.yaml
contains "every problem is reported"       "4 errors, 0 warnings"
contains "diagnostics carry line:column"   "inventories/invalid/multiple-errors.yaml:17:21: error: unknown role"
expect "missing file exits 3"              3 "$BIN" validate -i "$work/nope.yaml"
contains "missing file is named"           "cannot read $work/nope.yaml"
expect "alias bomb is refused"             3 timeout 10 "$BIN" validate -i inventories/invalid/alias-bomb.yaml
expect "plan with changes exits 2"         2 "$BIN" plan --offline -i inventories/hybrid.yaml
contains "plan ends with a summary"        "Plan: 266 to add, 126 to change, 0 to remove, 75 to run, 12 checks."
expect "plan -o sarif saves the plan"      2 "$BIN" plan --offline -i inventories/hybrid.yaml -o sarif --out "$work/plan.json"
contains "the plan's SARIF"                '"version" : "2.1.0"'
expect "plan -o json exits 2"              2 "$BIN" plan --offline -i inventories/hybrid.yaml -o json --out "$work/plan.json"
if python3 -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['formatVersion']==1 and len(p['steps'])>100" "$work/plan.json"; then
  ok "saved plan is JSON with steps"; else bad "saved plan is JSON with steps"; fi
expect "plan -o dot"                       2 "$BIN" plan --offline -i inventories/hybrid.yaml -o dot
contains "dot output is a digraph"         "digraph plan {"
expect "plan of an invalid inventory"      3 "$BIN" plan --offline -i inventories/invalid/etcd-even.yaml
expect "unknown playbook exits 3"          3 "$BIN" plan --offline -i inventories/hybrid.yaml --playbook nope
contains "unknown playbook is named"       'no playbook "nope"'
printf 'apiVersion: bulwark.dev/v1alpha1\nkind: Playbook\nname: x\nphases:\n  - name: a\n    hosts: all\n    steps:\n      - kind: fiel\n' > "$work/bad.yaml"
expect "bad playbook exits 3"              3 "$BIN" plan --offline -i inventories/hybrid.yaml --playbook "$work/bad.yaml"
contains "bad playbook hint"               'did you mean "file"?'
expect "the hardening catalogue"           0 "$BIN" checks
if [ "$out" = "$(sed -n '/^## The catalogue$/,$p' docs/hardening.md | tail -n +2)" ]; then
  ok "docs/hardening.md shows the catalogue as it is"; else bad "docs/hardening.md shows the catalogue as it is (regenerate it with bulwark checks)"; fi
expect "--version"                         0 "$BIN" --version
expect "help for plan"                     0 "$BIN" plan --help
contains "help documents exit codes"       "changes are pending"
expect "bash completions"                  0 "$BIN" --generate-completion-script bash
contains "completion script names bulwark" "_bulwark"

# SSH against real sshd hosts on 127.0.3.x (needs root; fails loudly without it).
fleet="$work/fleet"
if [ "$(id -u)" -ne 0 ]; then
  bad "ssh end-to-end: needs root to start sshd hosts"
elif ! bash Tests/e2e/sshd-fleet.sh up 3 "$fleet" >"$work/fleet.log" 2>&1; then
  bad "ssh end-to-end: could not start sshd hosts" "$(cat "$work/fleet.log")"
else
  trap 'bash Tests/e2e/sshd-fleet.sh down "$fleet"; rm -rf "$work"' EXIT
  expect "ping reaches every host"         0 "$BIN" ping -i "$fleet/inventory.yaml"
  contains "ping reports OS and kex"       "Debian GNU/Linux"
  contains "ping negotiates curve25519"    "curve25519-sha256, ssh-ed25519"
  expect "exec on a limited set"           0 "$BIN" exec -i "$fleet/inventory.yaml" --limit host=host2,role=etcd -- sh -c 'echo out; echo err >&2'
  contains "exec groups output per host"   "== host2: exit 0"
  contains "exec limit keeps the etcd host" "== host1: exit 0"
  contains "exec shows stderr"             "-- stderr"
  if grep -q "host3" <<<"$out"; then bad "exec --limit left host3 out"; else ok "exec --limit left host3 out"; fi
  expect "exec --sudo runs as root"        0 "$BIN" exec -i "$fleet/inventory.yaml" --sudo --limit host=host1 -- id -u
  contains "sudo gives uid 0"              $'== host1: exit 0'
  expect "a failing command exits 1"       1 "$BIN" exec -i "$fleet/inventory.yaml" -- sh -c 'exit 7'
  contains "the exit status is a value"    "== host3: exit 7"
  # Tamper with one host key: that host is refused, the others still run.
  cp "$fleet/known_hosts" "$work/known_hosts.good"
  sed -i '2s/ AAAA.*/ AAAAC3NzaC1lZDI1NTE5AAAAIJdW6y7yxDSzx4Crf5l6Pz5lWGRKjV8dK4WWv8l1hTkG/' "$fleet/known_hosts"
  expect "a changed host key is refused"   1 "$BIN" exec -i "$fleet/inventory.yaml" -- true
  contains "mismatch names the host"       "== host2: FAILED: HOST KEY MISMATCH"
  contains "other hosts carry on"          "2 of 3 hosts succeeded"
  grep -v '^\[127.0.3.3\]' "$work/known_hosts.good" > "$fleet/known_hosts"
  expect "an unknown host key is refused"  1 "$BIN" ping -i "$fleet/inventory.yaml"
  contains "unknown key says how to trust" "ssh-keyscan -p 22022 -t ssh-ed25519 127.0.3.3"
  cp "$work/known_hosts.good" "$fleet/known_hosts"
  # apply: converge, converge again with no change, heal tampering, stop at a failure.
  rm -rf /tmp/bulwark-apply-e2e
  expect "apply converges the hosts"       0 "$BIN" apply -i "$fleet/inventory.yaml" --playbook Tests/e2e/fixtures/apply.yaml --yes
  contains "first apply changes every step" "Applied: 12 changed, 0 unchanged, 0 failed, 0 skipped."
  if [ "$(cat /tmp/bulwark-apply-e2e/host2/motd)" = "host2 of fleet" ] && [ "$(stat -c '%a %U' /tmp/bulwark-apply-e2e/host2/motd)" = "640 root" ]; then
    ok "files have the planned content, mode and owner"; else bad "files have the planned content, mode and owner"; fi
  mtime=$(stat -c %Y.%y /tmp/bulwark-apply-e2e/host1/motd)
  expect "apply again"                     0 "$BIN" apply -i "$fleet/inventory.yaml" --playbook Tests/e2e/fixtures/apply.yaml --yes
  contains "second apply changes nothing"  "Applied: 0 changed, 12 unchanged, 0 failed, 0 skipped."
  if [ "$(stat -c %Y.%y /tmp/bulwark-apply-e2e/host1/motd)" = "$mtime" ]; then ok "unchanged files are not rewritten"; else bad "unchanged files are not rewritten"; fi
  chmod 0644 /tmp/bulwark-apply-e2e/host2/motd; echo tampered > /tmp/bulwark-apply-e2e/host3/motd
  expect "apply heals tampering"           0 "$BIN" apply -i "$fleet/inventory.yaml" --playbook Tests/e2e/fixtures/apply.yaml --yes
  contains "only the tampered files change" "Applied: 2 changed, 10 unchanged, 0 failed, 0 skipped."
  contains "the change says what differed" "changed  files/host2/file-tmp-bulwark-apply-e2e-host2-motd: mode 0644 -> 0640"
  expect "a failing step exits 1"          1 "$BIN" apply -i "$fleet/inventory.yaml" --playbook Tests/e2e/fixtures/apply-fail.yaml --yes
  contains "dependents are skipped"        "Applied: 0 changed, 0 unchanged, 1 failed, 3 skipped."
  contains "the root cause is named"       "error: breaks/host2/run-fail:"
  contains "skips point at the root cause" "skipped  after/host1/dir-tmp-bulwark-apply-e2e-host1-after (because breaks/host2/run-fail failed)"
  grep -v '^\[127.0.3.1\]' "$work/known_hosts.good" > "$fleet/known_hosts"
  expect "apply refuses an unvouched host" 3 "$BIN" apply -i "$fleet/inventory.yaml" --playbook Tests/e2e/fixtures/apply.yaml --yes
  contains "as an error, before connecting" "error: no known_hosts entry or pinned key for host \"host1\""
  cp "$work/known_hosts.good" "$fleet/known_hosts"
  rm -rf /tmp/bulwark-apply-e2e

  # Ctrl-C: sessions close at once; nothing is left connected on the hosts.
  start=$(date +%s%N)
  "$BIN" exec -i "$fleet/inventory.yaml" -- sleep 30 >"$work/int.out" 2>&1 & pid=$!
  sleep 1.5; kill -INT "$pid"; wait "$pid"; code=$?
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$code" -ne 0 ] && [ "$took" -lt 5000 ] && grep -q "interrupted" "$work/int.out"; then
    ok "ctrl-c interrupts exec (${took} ms)"; else bad "ctrl-c interrupts exec (exit $code, ${took} ms)" "$(cat "$work/int.out")"; fi
  sleep 0.5
  left=0; while read -r p; do left=$((left + $(pgrep -c -P "$p" || true))); done < "$fleet/pids"
  if [ "$left" -eq 0 ]; then ok "no sessions left after ctrl-c"; else bad "no sessions left after ctrl-c ($left remain)"; fi
  kill "$(sed -n 3p "$fleet/pids")"
  expect "a down host fails alone"         1 "$BIN" ping -i "$fleet/inventory.yaml"
  contains "refused is its own error"      "host3  FAIL  connection refused by 127.0.3.3:22022 [connection-refused]"
  contains "up hosts still answer"         "2 of 3 hosts answered"
fi

# The local lab: nspawn hosts with systemd, isolation, teardown, recovery after a crash.
source Tests/e2e/lab.sh
# etcd on lab hosts: bootstrap, re-apply, upgrade under load, membership, replace, snapshot/restore.
source Tests/e2e/etcd.sh
# Hardening on lab hosts: audit in every format, sshd and firewall from outside, tamper and heal.
source Tests/e2e/harden.sh
# Configured state: a foreign sysctl file, an sshd drop-in read first, a disabled boot unit; named, remedied, rebooted.
source Tests/e2e/harden-configured.sh
# Power cycles: every host of a bootstrapped, hardened lab off and on, one at a time and all at once.
source Tests/e2e/harden-reboot.sh
# 50 hosts, 5 off and 5 with SSH dropped: drift and audit name each, finish the rest, exit 5.
source Tests/e2e/fleet-faults.sh
# Debian 12 and 13 in one lab: etcd, hardening, audit and drift; ssh-audit from outside; throttling per OpenSSH.
source Tests/e2e/mixed-release.sh
# The host firewall with real packets: each CNI profile's node-to-node ports pass, others drop.
source Tests/e2e/firewall.sh
# The host matrix (netpol hosts) against the kernel: --verify agrees on a hardened lab, fails on a changed rule.
source Tests/e2e/netpol-hosts.sh

source Tests/e2e/k8s.sh
# kubeadm's preflight on lab hosts: conntrack and iptables missing, named by the plan, installed by apply.
source Tests/e2e/k8s-preflight.sh

source Tests/e2e/ops.sh
# Values from hosts are data: an etcd member named $(touch ...) runs nowhere; saved plans apply from anywhere.
source Tests/e2e/hostile.sh

# What every plan, apply and drift above printed says what differs, never only an exit status.
said=$(grep -c '' "$work/said.log" 2>/dev/null || echo 0)
if [ "$said" -gt 1000 ] && ! grep -q "its check exited" "$work/said.log"; then
  ok "all $said lines of plan, apply and drift output say what differs"
else bad "all plan, apply and drift output says what differs ($said lines)" "$(grep "its check exited" "$work/said.log" | sort | uniq -c | head -20)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
