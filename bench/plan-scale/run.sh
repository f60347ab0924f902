#!/usr/bin/env bash
# Times `bulwark validate` + `bulwark plan` (release build) on generated inventories of 1,000, 5,000
# and 10,000 hosts. Not a test: it prints a table to paste into docs/benchmarks.md.
#   bench/plan-scale/run.sh [BINARY] [--against=OTHER] [--smoke]
# BINARY defaults to the release build (built first). --against times OTHER too, each run of the
# two interleaved, so the comparison shares one sitting's noise. --smoke plans one tiny inventory
# and checks the output, not the timing, so a test runner can call it (make test does, with the
# debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=""
against=""
smoke=0
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    --against=*) against="${arg#--against=}" ;;
    *) bin="$arg" ;;
  esac
done
RUNS=${RUNS:-5}
SIZES=${SIZES:-1000 5000 10000}
out=bench/out/plan-scale
mkdir -p "$out"

if [ "$smoke" = 1 ]; then
  bin="${bin:-.build/debug/bulwark}"
  python3 bench/plan-scale/generate.py 40 "$out/smoke.yaml"
  "$bin" validate -i "$out/smoke.yaml" >/dev/null
  set +e
  "$bin" plan --offline -i "$out/smoke.yaml" >"$out/smoke.txt" 2>"$out/smoke.err"; code=$?
  "$bin" plan --offline -i "$out/smoke.yaml" -o json >"$out/smoke.json" 2>/dev/null; jcode=$?
  set -e
  [ "$code" = 2 ] && [ "$jcode" = 2 ] || { echo "smoke: plan exited $code (text), $jcode (JSON); expected 2" >&2; cat "$out/smoke.err" >&2; exit 1; }
  grep -q "firewall/worker-39/firewall" "$out/smoke.txt" || { echo "smoke: no firewall step for the last worker" >&2; exit 1; }
  grep -q "^Plan: " "$out/smoke.txt" || { echo "smoke: no plan summary" >&2; exit 1; }
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/smoke.json" || { echo "smoke: the JSON plan does not parse" >&2; exit 1; }
  echo "smoke ok: $(grep -c '' "$out/smoke.txt") plan lines for 40 hosts"
  # The timing table too, at two tiny sizes and one run, so the code that makes it cannot rot.
  SIZES="20 40" RUNS=1 bash "$0" "$bin" ${against:+--against=$against} >"$out/smoke-table.txt" 2>&1 \
    && grep -q "ratio, validate + plan (text)" "$out/smoke-table.txt" \
    || { echo "smoke: the timing table did not come out" >&2; cat "$out/smoke-table.txt" >&2; exit 1; }
  echo "smoke ok: the timing table"
  exit 0
fi

if [ -z "$bin" ]; then
  swift build -c release --product bulwark >/dev/null
  bin=$(swift build -c release --show-bin-path)/bulwark
fi
for n in $SIZES; do python3 bench/plan-scale/generate.py "$n" "$out/hosts-$n.yaml"; done
python3 - "$out" "$RUNS" "$SIZES" "$bin" $against <<'PY'
import os, statistics, subprocess, sys
out, runs, sizes, bins = sys.argv[1], int(sys.argv[2]), [int(n) for n in sys.argv[3].split()], sys.argv[4:]
def timed(args):
    """Per binary: median, fastest and slowest CPU time (user + sys) of the child, steadier than
    wall time on a shared 2-core VM, and the child's own peak RSS (KiB), the largest over the
    runs. With two binaries each run times one after the other."""
    samples = {b: [] for b in bins}
    rss = {b: 0 for b in bins}
    for _ in range(runs):
        for b in bins:
            p = subprocess.Popen([b] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            assert code in (0, 2), f"{b} {args} exited {code}"
            samples[b].append(usage.ru_utime + usage.ru_stime)
            rss[b] = max(rss[b], usage.ru_maxrss)
    return {b: (statistics.median(samples[b]), min(samples[b]), max(samples[b]), rss[b]) for b in bins}
rows = {}
for n in sizes:
    inv = f"{out}/hosts-{n}.yaml"
    v = timed(["validate", "-i", inv])
    p = timed(["plan", "--offline", "-i", inv])
    j = timed(["plan", "--offline", "-i", inv, "-o", "json"])
    rows[n] = {b: (v[b][0], p[b][0], j[b][0], p[b][3], p[b][1], p[b][2]) for b in bins}
for b in bins:
    print(f"{b}: CPU seconds (user + sys), median of {runs} runs, whole process; peak RSS of the text plan's own process")
    print("| hosts | steps | validate (s) | validate + plan, text (s) | text: fastest to slowest run (s) | validate + plan, JSON (s) | peak RSS, text (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in rows:
        v, p, j, rss, low, high = rows[n][b]
        steps = subprocess.run([b, "plan", "--offline", "-i", f"{out}/hosts-{n}.yaml"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.split(" steps on ")[0].split()[-1]
        print(f"| {n:,} | {int(steps):,} | {v:.3f} | {p:.3f} | {low:.3f} to {high:.3f} | {j:.3f} | {rss/1024:.0f} |")
    big, half = sizes[-1], sizes[-2]
    print(f"{big:,} / {half:,} ratio, validate + plan (text): {rows[big][b][1] / rows[half][b][1]:.2f}x (goal: at most 2.2x)")
    print(f"{big:,} / {half:,} ratio, validate + plan (JSON): {rows[big][b][2] / rows[half][b][2]:.2f}x")
    print()
PY
