#!/usr/bin/env bash
# bench/netpol: time and peak memory of `netpol list` on generated clusters.
#   bench/netpol/run.sh [BINARY] [--smoke]
# BINARY defaults to the release build of bulwark (`swift build -c release`); the subcommand is
# `netpol`. --smoke runs one tiny size and checks the output, not the timing, so a test runner can
# call it (make test does, with the debug build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin=""
smoke=0
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    *) bin="$arg" ;;
  esac
done
bin="${bin:-$here/../../.build/release/bulwark}"
sub=(${NETPOL_SUBCOMMAND:-netpol})
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$smoke" = 1 ]; then
  python3 "$here/generate.py" 40 2 > "$work/smoke.yaml"
  "$bin" "${sub[@]}" list "$work/smoke.yaml" > "$work/out.txt"
  lines=$(wc -l < "$work/out.txt")
  grep -q "^ns000/" "$work/out.txt" || { echo "smoke: no connection from ns000" >&2; exit 1; }
  if grep -v -E '^[^ ]+ => [^ ]+ : (All Connections|((TCP|UDP|SCTP) [0-9-]+,?)+)$' "$work/out.txt" | grep -q .; then
    echo "smoke: malformed output line" >&2; exit 1
  fi
  echo "smoke ok: $lines connections"
  exit 0
fi

printf '%-10s %-10s %-9s %-10s %-12s %s\n' workloads namespaces policies seconds peak_MB lines
prev=""
for size in "500 50" "1000 100" "2000 200"; do
  set -- $size
  python3 "$here/generate.py" "$1" "$2" > "$work/c.yaml"
  policies=$(grep -c '^kind: NetworkPolicy' "$work/c.yaml")
  /usr/bin/time -v "$bin" "${sub[@]}" list "$work/c.yaml" > "$work/out.txt" 2> "$work/time.txt"
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  printf '%-10s %-10s %-9s %-10s %-12s %s\n' "$1" "$2" "$policies" "$secs" "$((kb / 1024))" "$(wc -l < "$work/out.txt")"
  if [ -n "$prev" ]; then
    awk -v a="$prev" -v b="$secs" 'BEGIN { if (a > 0) printf "  doubling cost: %.2fx\n", b / a }'
  fi
  prev="$secs"
done
