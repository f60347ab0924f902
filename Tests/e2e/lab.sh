# Lab end-to-end checks, sourced by run.sh (uses its ok/bad/expect/contains, $BIN and $work).
# A lab of its own name and subnet, so a demo lab left running is not touched.
LAB=(--name bwtest)
labdir="$work/lab"
lab_ssh() { "$BIN" lab ssh "${LAB[@]}" "$@"; }

if [ "$(id -u)" -ne 0 ]; then
  bad "lab: needs root"
  return 0
fi

inotify_before=$(sysctl -n fs.inotify.max_user_instances)
expect "lab up 3"                          0 "$BIN" lab up 3 "${LAB[@]}" --subnet 10.123.7 --out "$labdir"
contains "up names the inventory"          "inventory:   $labdir/lab.yaml"
if [ -f "$labdir/lab.yaml" ] && [ "$(stat -c %a "$labdir/id_ed25519")" = 600 ]; then
  ok "the client key is 0600"; else bad "the client key is 0600"; fi
expect "the lab inventory is valid"        0 "$BIN" validate -i "$labdir/lab.yaml"
contains "three etcd members"              'cluster "bwtest", 3 hosts, 3 etcd members, 0 control planes'
if grep -q "file: $PWD/cache/artifacts/etcd/v{version}" "$labdir/lab.yaml"; then
  ok "the inventory takes etcd from the artifact cache"; else bad "the inventory takes etcd from the artifact cache" "$(cat "$labdir/lab.yaml")"; fi
expect "strict host keys: bulwark ping"    0 "$BIN" ping -i "$labdir/lab.yaml"
contains "every host answers"              "3 of 3 hosts answered"
for h in bwtest1 bwtest2 bwtest3; do
  expect "openssh reaches $h strictly"     0 lab_ssh "$h" hostname
  contains "$h has its own hostname"       "$h"
done
cp "$labdir/known_hosts" "$work/lab.known_hosts.good"
# Another host's keys under lab2's address: strict checking must refuse it.
{ grep -v '^10.123.7.12 ' "$work/lab.known_hosts.good"
  awk '$1 == "10.123.7.11" {$1 = "10.123.7.12"; print}' "$work/lab.known_hosts.good"; } >"$labdir/known_hosts"
expect "a wrong host key is refused"       1 "$BIN" ping -i "$labdir/lab.yaml"
contains "the mismatch names the host"     "bwtest2  FAIL  HOST KEY MISMATCH"
cp "$work/lab.known_hosts.good" "$labdir/known_hosts"
expect "status"                            0 "$BIN" lab status "${LAB[@]}"
contains "status: every sshd answers"      "3 of 3 hosts answer on SSH"
contains "status shows memory"             "MiB PSS in all"
expect "hosts run systemd as PID 1"        0 lab_ssh bwtest1 'test "$(cat /proc/1/comm)" = systemd && systemctl is-system-running --wait'
contains "the system is running"           "running"

# Isolation: files, routes.
marker=/var/tmp/bulwark-isolation-$$
expect "write a file on bwtest1"           0 lab_ssh bwtest1 "sudo touch $marker"
expect "it is absent on bwtest2"           1 lab_ssh bwtest2 "test -e $marker"
expect "it is absent on bwtest3"           1 lab_ssh bwtest3 "test -e $marker"
if [ ! -e "$marker" ] && ! find /var/cache/bulwark-lab -maxdepth 4 -path "*$marker" | grep -q .; then
  ok "it is absent on the real machine"; else bad "it is absent on the real machine"; fi
for h in bwtest1 bwtest2 bwtest3; do
  expect "no route out of $h"              2 lab_ssh "$h" 'ip route get 8.8.8.8 2>&1 && exit 0 || { echo "exit $?"; exit 2; }'
  contains "$h: network is unreachable"    "Network is unreachable"
done
expect "hosts reach each other"            0 lab_ssh bwtest1 'exec 3<>/dev/tcp/bwtest3/22 && head -c 7 <&3'
contains "over the lab bridge"             "SSH-2.0"

# Real systemd: a unit killed with SIGKILL is restarted.
unit='[Service]\nExecStart=/bin/sleep infinity\nRestart=always\nRestartSec=200ms\n'
expect "start a unit"                      0 lab_ssh bwtest2 "printf '$unit' | sudo tee /etc/systemd/system/bw-sleeper.service >/dev/null && sudo systemctl daemon-reload && sudo systemctl start bw-sleeper && systemctl show -p MainPID --value bw-sleeper"
first_pid=$out
expect "kill -9 its main process"          0 lab_ssh bwtest2 "sudo kill -9 $first_pid"
sleep 1.5
expect "systemd restarted it"              0 lab_ssh bwtest2 'systemctl is-active bw-sleeper && systemctl show -p NRestarts --value bw-sleeper && systemctl show -p MainPID --value bw-sleeper'
if [ "$(sed -n 1p <<<"$out")" = active ] && [ "$(sed -n 2p <<<"$out")" = 1 ] && [ "$(sed -n 3p <<<"$out")" != "$first_pid" ]; then
  ok "a new main PID after one restart"; else bad "a new main PID after one restart (was $first_pid)" "$out"; fi

# Down leaves nothing behind, and runs twice.
lab_procs() { find /sys/fs/cgroup/*/bulwark-lab/bwtest -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u; }
lab_pids=$(lab_procs)
# Each PID with its start time: PIDs wrap (pid_max 32768) and may be another process's by the check.
started_at() { awk '{sub(/.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null; }
# A killed process that its parent (init, once `up` has exited) has not reaped yet is a zombie: it
# holds nothing but its PID, and how soon it goes depends on the machine's init.
zombie() { [ "$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
lab_starts=$(for p in $lab_pids; do echo "$p:$(started_at "$p")"; done)
locks=$(cat /var/lib/bulwark-lab/bwtest/*/nspawn-lock 2>/dev/null)
expect "lab down"                          0 "$BIN" lab down "${LAB[@]}"
leftovers() {
  ip netns list | grep -E '^bwl-bwtest' || true
  ip -o link show | grep -oE 'bw[bv]-bwtest[0-9]*' || true
  find /sys/fs/cgroup -maxdepth 3 -path '*bulwark-lab/bwtest*' 2>/dev/null || true
  [ -e /var/lib/bulwark-lab/bwtest ] && echo "state dir /var/lib/bulwark-lab/bwtest"
  for f in $locks; do [ -e "/run/systemd/nspawn/locks/$f" ] && echo "lock $f"; done
  local ps
  for ps in $lab_starts; do [ -n "${ps#*:}" ] && [ "$(started_at "${ps%%:*}")" = "${ps#*:}" ] && ! zombie "${ps%%:*}" && echo "process ${ps%%:*}"; done
  [ -e "$labdir/lab.yaml" ] && echo "$labdir/lab.yaml"
  # The limit is shared: while another lab runs (a demo, say), down keeps it raised for that lab.
  if [ -z "$(find /var/lib/bulwark-lab -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ]; then
    [ "$(sysctl -n fs.inotify.max_user_instances)" = "$inotify_before" ] || echo "inotify limit not restored"
  fi
  return 0
}
if [ "$(wc -w <<<"$lab_pids")" -ge 9 ] && [ -n "$locks" ] && [ -z "$(leftovers)" ]; then
  ok "down leaves nothing: $(wc -w <<<"$lab_pids") processes, namespaces, links, cgroups, locks, files"
else bad "down leaves nothing" "$(leftovers)"; fi
expect "down twice"                        0 "$BIN" lab down "${LAB[@]}"

# An unclean stop: every lab process SIGKILLed, state left behind. The next up still works.
expect "lab up again"                      0 "$BIN" lab up 3 "${LAB[@]}" --subnet 10.123.7 --out "$labdir"
crash_pids=$(lab_procs)
# shellcheck disable=SC2086
kill -9 $crash_pids 2>/dev/null
sleep 0.5
expect "up after a crash"                  0 "$BIN" lab up 3 "${LAB[@]}" --subnet 10.123.7 --out "$labdir"
contains "the crashed lab is replaced"     "lab 'bwtest' is up: 3 hosts"
expect "the new hosts answer"              0 "$BIN" ping -i "$labdir/lab.yaml"
expect "final lab down"                    0 "$BIN" lab down "${LAB[@]}"
lab_pids=$crash_pids
if [ -z "$(leftovers)" ]; then ok "nothing left after the crash and down"; else bad "nothing left after the crash and down" "$(leftovers)"; fi
