# kubeadm's preflight on lab hosts, sourced by run.sh (uses ok/bad/expect/contains, $BIN, $work).
# The lab's rootfs is a minimal Debian 12 without conntrack and iptables, which kubeadm's preflight
# looks for: the live plan must name them per host before anything runs, apply must install them
# from the artifact cache's .debs (the hosts have no route out), and a second plan must show
# nothing missing (both live in /usr/sbin: the checks run as root, as kubeadm does). Also: the minor the lab machine's cgroup version allows, and a minor Bulwark has
# no requirements for refused at its line and column.
if [ "$(id -u)" -ne 0 ]; then bad "preflight: needs root"; return 0; fi

P=bwp
pdir="$work/preflight"
PLAB=(--name "$P")
pon() { local h=$1; shift; "$BIN" lab ssh "${PLAB[@]}" "$P$h" -- "$@"; }

expect "artifacts: conntrack and iptables from Debian's pool" 0 "$BIN" lab artifacts
for p in conntrack iptables libnetfilter-conntrack3 libnfnetlink0; do
  if grep -qE "^[0-9a-f]{64}  node-packages/debian12/${p}_.*\.deb$" cache/artifacts/SHA256SUMS; then ok "SHA256SUMS records $p"
  else bad "SHA256SUMS records $p" "$(grep node-packages cache/artifacts/SHA256SUMS)"; fi
done

expect "preflight lab: up 2"               0 "$BIN" lab up 2 "${PLAB[@]}" --subnet 10.123.9 --out "$pdir"
pinv="$pdir/lab.yaml"
if grep -q "nodePackages:" "$pinv"; then ok "the lab inventory uses the cached packages"; else bad "the lab inventory uses the cached packages" "$(cat "$pinv")"; fi
for h in 1 2; do
  expect "no conntrack and no iptables on $P$h" 0 pon "$h" "sudo sh -c 'test -z \"\$(command -v conntrack)\$(command -v iptables)\"'"
done

expect "the first plan"                    2 "$BIN" plan -i "$pinv"
contains "the plan has a preflight"        "preflight (kubeadm's checks, before anything runs)"
contains "conntrack missing on ${P}1"      "${P}1: conntrack not in PATH, node preparation installs it"
contains "iptables missing on ${P}1"       "${P}1: iptables not in PATH, node preparation installs it"
contains "conntrack missing on ${P}2"      "${P}2: conntrack not in PATH, node preparation installs it"
contains "iptables missing on ${P}2"       "${P}2: iptables not in PATH, node preparation installs it"
contains "forwarding is off before"        "${P}2: net.ipv4.ip_forward is 0, node preparation sets 1"
contains "the install step is planned"     "node-prep/${P}2/packages"
first_plan=$out

expect "apply (stops at the kubeadm binaries)" 1 "$BIN" apply -i "$pinv" --yes
contains "packages installed on ${P}1"     "changed  node-prep/${P}1/packages"
contains "packages installed on ${P}2"     "changed  node-prep/${P}2/packages"
for h in 1 2; do
  expect "conntrack and iptables on $P$h"  0 pon "$h" "sudo sh -c 'conntrack --version && iptables --version'"
  contains "iptables 1.8.9 on $P$h"        "iptables v1.8.9"
  contains "conntrack 1.4.7 on $P$h"       "conntrack v1.4.7"
done

expect "the second plan"                   2 "$BIN" plan -i "$pinv"
if grep -q "not in PATH, node preparation installs it" <<<"$out"; then
  bad "nothing missing any more" "$(grep 'not in PATH' <<<"$out")"; else ok "nothing missing any more"; fi
if grep -q "node-prep/${P}.*/packages " <<<"$out"; then bad "the install step is satisfied" "$out"; else ok "the install step is satisfied"; fi
if grep -q "ip_forward is 0" <<<"$out"; then bad "forwarding is on now" "$out"; else ok "forwarding is on now"; fi

# The lab hosts share this machine's cgroup hierarchy: on cgroup v1, 1.34 is warned about and 1.35+
# refused (KEP-5573); on v2 neither says a word.
fs=$(pon 1 "stat -fc %T /sys/fs/cgroup/" 2>/dev/null | tr -d '\r\n')
sed 's/^    kubernetes: .*/    kubernetes: 1.36.4/' "$pinv" >"$pdir/v136.yaml"
if [ "$fs" = tmpfs ]; then
  contains "cgroup v1 warned about on 1.34" "${P}1: cgroup v1 (tmpfs on /sys/fs/cgroup): kubeadm 1.34 warns"
  expect "1.36 is refused on cgroup v1"   3 "$BIN" plan -i "$pdir/v136.yaml"
  contains "the refusal names host and cause" "${P}1: cgroup v1 (tmpfs on /sys/fs/cgroup): kubeadm 1.36 and its kubelet refuse it"
else
  if grep -q "cgroup v1" <<<"$out"; then bad "no cgroup finding on cgroup v2 ($fs)" "$out"; else ok "no cgroup finding on cgroup v2 ($fs)"; fi
  expect "1.36 plans on cgroup v2"        2 "$BIN" plan -i "$pdir/v136.yaml"
fi

sed 's/^    kubernetes: .*/    kubernetes: 1.31.2/' "$pinv" >"$pdir/old.yaml"
line=$(grep -n '^    kubernetes: 1.31.2' "$pdir/old.yaml" | cut -d: -f1)
expect "an unsupported minor is refused"   3 "$BIN" validate -i "$pdir/old.yaml"
contains "at its line and column"          "old.yaml:$line:17: error: Kubernetes 1.31.2 is not a minor Bulwark has upstream requirements for (1.34, 1.35, 1.36, 1.37)"

expect "preflight lab down"                0 "$BIN" lab down "${PLAB[@]}"
