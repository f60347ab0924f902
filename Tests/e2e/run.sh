#!/usr/bin/env bash
# End-to-end checks of the bulwark binary as a user runs it: exit codes, output formats, files.
# Usage: Tests/e2e/run.sh PATH-TO-BULWARK. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-.build/debug/bulwark}
pass=0 fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ok()   { pass=$((pass+1)); echo "ok   $1"; }
bad()  { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
# expect NAME WANTED-EXIT COMMAND...: runs the command, keeps its output in $out.
expect() {
  local name=$1 want=$2; shift 2
  out=$("$@" 2>&1); local got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else bad "$name (exit $got, wanted $want)" "$out"; fi
}
contains() { if grep -qF -- "$2" <<<"$out"; then ok "$1"; else bad "$1: output lacks '$2'" "$out"; fi; }

expect "validate hybrid sample"            0 "$BIN" validate -i inventories/hybrid.yaml
contains "validate reports the topology"   'cluster "hybrid", 14 hosts, 5 etcd members, 3 control planes'
expect "validate single sample"            0 "$BIN" validate -i inventories/single.yaml
expect "invalid inventory exits 3"         3 "$BIN" validate -i inventories/invalid/multiple-errors.yaml
contains "every problem is reported"       "4 errors, 0 warnings"
contains "diagnostics carry line:column"   "inventories/invalid/multiple-errors.yaml:17:21: error: unknown role"
expect "missing file exits 3"              3 "$BIN" validate -i "$work/nope.yaml"
contains "missing file is named"           "cannot read $work/nope.yaml"
expect "alias bomb is refused"             3 timeout 10 "$BIN" validate -i inventories/invalid/alias-bomb.yaml
expect "plan with changes exits 2"         2 "$BIN" plan -i inventories/hybrid.yaml
contains "plan ends with a summary"        "Plan: 82 to add, 56 to change, 0 to remove, 19 to run, 8 checks."
expect "plan -o json exits 2"              2 "$BIN" plan -i inventories/hybrid.yaml -o json --out "$work/plan.json"
if python3 -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['formatVersion']==1 and len(p['steps'])>100" "$work/plan.json"; then
  ok "saved plan is JSON with steps"; else bad "saved plan is JSON with steps"; fi
expect "plan -o dot"                       2 "$BIN" plan -i inventories/hybrid.yaml -o dot
contains "dot output is a digraph"         "digraph plan {"
expect "plan of an invalid inventory"      3 "$BIN" plan -i inventories/invalid/etcd-even.yaml
expect "unknown playbook exits 3"          3 "$BIN" plan -i inventories/hybrid.yaml --playbook nope
contains "unknown playbook is named"       'no playbook "nope"'
printf 'apiVersion: bulwark.dev/v1alpha1\nkind: Playbook\nname: x\nphases:\n  - name: a\n    hosts: all\n    steps:\n      - kind: fiel\n' > "$work/bad.yaml"
expect "bad playbook exits 3"              3 "$BIN" plan -i inventories/hybrid.yaml --playbook "$work/bad.yaml"
contains "bad playbook hint"               'did you mean "file"?'
expect "--version"                         0 "$BIN" --version
expect "help for plan"                     0 "$BIN" plan --help
contains "help documents exit codes"       "changes are pending"
expect "bash completions"                  0 "$BIN" --generate-completion-script bash
contains "completion script names bulwark" "_bulwark"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
