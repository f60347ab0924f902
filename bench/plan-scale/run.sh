#!/usr/bin/env bash
# Times `bulwark validate` + `bulwark plan` (release build) on generated inventories of 1,000, 5,000
# and 10,000 hosts. Not a test: it prints a table to paste into docs/benchmarks.md.
#   bench/plan-scale/run.sh [BINARY] [--smoke]
# BINARY defaults to the release build (built first). --smoke plans one tiny inventory and checks
# the output, not the timing, so a test runner can call it (make test does, with the debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=""
smoke=0
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    *) bin="$arg" ;;
  esac
done
RUNS=${RUNS:-5}
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
  exit 0
fi

if [ -z "$bin" ]; then
  swift build -c release --product bulwark >/dev/null
  bin=$(swift build -c release --show-bin-path)/bulwark
fi
for n in 1000 5000 10000; do python3 bench/plan-scale/generate.py "$n" "$out/hosts-$n.yaml"; done
python3 - "$bin" "$out" "$RUNS" <<'PY'
import subprocess, sys, time, statistics
bin, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
import os
def timed(args):
    """Median CPU time (user + sys) of the child: steadier than wall time on a shared 2-core VM.
    Also the child's own peak RSS (KiB), the largest over the runs."""
    samples, rss = [], 0
    for _ in range(runs):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        assert code in (0, 2), f"{args} exited {code}"
        samples.append(usage.ru_utime + usage.ru_stime)
        rss = max(rss, usage.ru_maxrss)
    return statistics.median(samples), min(samples), max(samples), rss
rows = {}
for n in (1000, 5000, 10000):
    inv = f"{out}/hosts-{n}.yaml"
    v = timed([bin, "validate", "-i", inv])
    p = timed([bin, "plan", "--offline", "-i", inv])
    j = timed([bin, "plan", "--offline", "-i", inv, "-o", "json"])
    rows[n] = (v[0], p[0], j[0], p[3], p[1], p[2])
print(f"CPU seconds (user + sys), median of {runs} runs, release build, whole process; peak RSS of the text plan's own process")
print("| hosts | steps | validate (s) | validate + plan, text (s) | text: fastest to slowest run (s) | validate + plan, JSON (s) | peak RSS, text (MiB) |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for n, (v, p, j, rss, low, high) in rows.items():
    steps = subprocess.run([bin, "plan", "--offline", "-i", f"{out}/hosts-{n}.yaml"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.split(" steps on ")[0].split()[-1]
    print(f"| {n:,} | {int(steps):,} | {v:.3f} | {p:.3f} | {low:.3f} to {high:.3f} | {j:.3f} | {rss/1024:.0f} |")
print(f"10,000 / 5,000 ratio, validate + plan (text): {rows[10000][1] / rows[5000][1]:.2f}x (goal: at most 2.2x)")
print(f"10,000 / 5,000 ratio, validate + plan (JSON): {rows[10000][2] / rows[5000][2]:.2f}x")
PY
