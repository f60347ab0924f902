#!/usr/bin/env bash
# Not a test: times `bulwark lab up N` and `down` for N = 3 and 50 (cached rootfs), and measures
# memory per idle host as PSS. Optionally (--rootfs) times a cold rootfs build too.
# Usage: bench/lab/run.sh [BIN] [--rootfs] [--runs=K] [--smoke]. Run as root; the lab "bench" is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.build/release/bulwark RUNS=3 ROOTFS=no SIZES="3 50" SETTLE=20
for a in "$@"; do
  # --smoke (make test): 3 hosts once, to check the benchmark still works, not its timing.
  case $a in --rootfs) ROOTFS=yes ;; --runs=*) RUNS=${a#--runs=} ;; --smoke) RUNS=1 SIZES=3 SETTLE=2 ;; *) BIN=$a ;; esac
done
[ -x "$BIN" ] || swift build -c release --product bulwark >/dev/null
LAB=(--name bench --subnet 10.123.9 --out bench/out/lab)
mkdir -p bench/out
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

if [ "$ROOTFS" = yes ]; then
  rm -rf bench/out/rootfs-cache
  t0=$(now); BULWARK_LAB_CACHE=$PWD/bench/out/rootfs-cache "$BIN" lab rootfs >/dev/null; t1=$(now)
  echo "rootfs build (cold, debootstrap): $(secs "$t0" "$t1") s, $(du -sm bench/out/rootfs-cache | cut -f1) MB"
  rm -rf bench/out/rootfs-cache
fi
"$BIN" lab rootfs >/dev/null   # the cached one the runs below use

for n in $SIZES; do
  ups=() downs=()
  for ((r = 1; r <= RUNS; r++)); do
    t0=$(now); "$BIN" lab up "$n" "${LAB[@]}" >/dev/null; t1=$(now)
    ups+=("$(secs "$t0" "$t1")")
    if [ "$r" -eq 1 ]; then
      sleep "$SETTLE"   # let boot-time services settle
      pss=$("$BIN" lab status --name bench | tail -1)
    fi
    t0=$(now); "$BIN" lab down --name bench >/dev/null; t1=$(now)
    downs+=("$(secs "$t0" "$t1")")
  done
  echo "N=$n: up median $(printf '%s\n' "${ups[@]}" | median) s (runs: ${ups[*]}); down median $(printf '%s\n' "${downs[@]}" | median) s (runs: ${downs[*]})"
  echo "N=$n: idle memory: $pss"
done
