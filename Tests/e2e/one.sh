#!/usr/bin/env bash
# Runs some parts of the end-to-end checks on their own, for working on one capability:
#   Tests/e2e/one.sh PATH-TO-BULWARK etcd.sh [harden.sh ...]
# Lab parts take /tmp/bulwark-lab.lock, so only one lab runs at a time. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:?give the bulwark binary}; shift
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
source Tests/e2e/lib.sh
exec 9>/tmp/bulwark-lab.lock
flock 9
for part in "$@"; do source "Tests/e2e/$part"; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
