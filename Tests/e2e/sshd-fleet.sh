#!/usr/bin/env bash
# Starts N OpenSSH sshd processes on 127.0.3.1..N (each with its own ed25519 host key and config),
# and writes, in DIR: a client key, known_hosts, and inventory.yaml for them. Needs root.
#   sshd-fleet.sh up N DIR      start (DIR/pids lists what was started)
#   sshd-fleet.sh down DIR      stop exactly those PIDs
set -euo pipefail
# A port of our own: a system sshd from the openssh-server package may hold port 22 on 0.0.0.0.
PORT=${FLEET_PORT:-22022}
cmd=$1
case "$cmd" in
up)
  n=$2 dir=$3
  mkdir -p "$dir" /run/sshd
  user=bulwark-e2e
  id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$user"
  usermod -p '*' "$user"
  echo "$user ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/bulwark-e2e && chmod 0440 /etc/sudoers.d/bulwark-e2e
  [ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -C bulwark-e2e -f "$dir/id_ed25519"
  cp "$dir/id_ed25519.pub" "$dir/authorized_keys"; chmod 0644 "$dir/authorized_keys"; chmod 0755 "$dir"
  : > "$dir/known_hosts"; : > "$dir/pids"
  {
    echo "apiVersion: bulwark.dev/v1alpha1"; echo "kind: Cluster"; echo "metadata: {name: fleet}"
    echo "spec:"; echo "  versions: {etcd: 3.5.1}"; echo "  etcd: {allowSingleMember: true}"
    echo "  ssh:"; echo "    user: $user"; echo "    keys: [id_ed25519]"; echo "    agent: false"
    echo "    knownHosts: known_hosts"; echo "    concurrency: 50"
    echo "  hosts:"
  } > "$dir/inventory.yaml"
  for i in $(seq 1 "$n"); do
    addr=127.0.3.$i h="$dir/host$i"
    mkdir -p "$h"
    [ -f "$h/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N "" -C "" -f "$h/ssh_host_ed25519_key"
    cat > "$h/sshd_config" <<CFG
ListenAddress $addr:$PORT
HostKey $h/ssh_host_ed25519_key
PidFile $h/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 200
MaxSessions 100
LogLevel ERROR
Subsystem sftp internal-sftp
CFG
    /usr/sbin/sshd -f "$h/sshd_config"
    for _ in $(seq 100); do [ -s "$h/sshd.pid" ] && break; sleep 0.02; done
    cat "$h/sshd.pid" >> "$dir/pids"
    echo "[$addr]:$PORT $(cut -d' ' -f1,2 "$h/ssh_host_ed25519_key.pub")" >> "$dir/known_hosts"
    role=etcd; [ "$i" -gt 1 ] && role=worker
    echo "    - {name: host$i, address: $addr, port: $PORT, roles: [$role], ssh: {become: true}}" >> "$dir/inventory.yaml"
  done
  # The single-etcd fleet inventory has workers, so it needs a Kubernetes version too.
  sed -i 's/  versions: {etcd: 3.5.1}/  versions: {etcd: 3.5.1, kubernetes: 1.36.4}/' "$dir/inventory.yaml"
  for i in $(seq 1 "$n"); do
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.3.$i/$PORT) 2>/dev/null && break; sleep 0.02; done
  done
  ;;
down)
  dir=$2
  [ -f "$dir/pids" ] || exit 0
  while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$dir/pids"
  rm -f "$dir/pids"
  ;;
*) echo "usage: $0 up N DIR | down DIR" >&2; exit 2 ;;
esac
