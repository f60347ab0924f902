# Kubernetes-layer end-to-end checks on lab hosts, sourced by run.sh (uses ok/bad/expect/contains, $BIN, $work).
# A 7-host lab: 3 etcd members, 3 control planes carrying a keepalived VIP with haproxy, 1 worker.
# Kubernetes' own binaries cannot be had here, so `apply` runs everything up to them for real (node
# preparation, containerd 2.1.9 from Debian unstable's package, haproxy, keepalived, etcd) and must stop at the
# kubeadm upload, naming it, with every kubeadm step skipped. A TLS stand-in on a control plane's
# 6443 lets haproxy's /readyz checks and the VIP be seen working end to end.
if [ "$(id -u)" -ne 0 ]; then bad "k8s: needs root"; return 0; fi

K=bwk
kdir="$work/k8s"
KLAB=(--name "$K")
kip() { echo "10.123.5.$((10 + $1))"; }
kon() { local h=$1; shift; "$BIN" lab ssh "${KLAB[@]}" "$K$h" -- "$@"; }
# The carrier that holds the VIP now.
vip_holder() {
  local i
  for i in 4 5 6; do kon "$i" "ip -4 -o addr show dev eth0" 2>/dev/null | grep -q "10.123.5.10/32" && echo "$i"; done
}
# haproxy's health page on a carrier: the HTTP status line.
healthz() { kon "$1" "bash -c 'exec 3<>/dev/tcp/127.0.0.1/8404; printf \"GET /healthz HTTP/1.0\\r\\n\\r\\n\" >&3; head -1 <&3'" 2>&1 | tr -d '\r'; }

expect "k8s lab: up 7"                     0 "$BIN" lab up 7 "${KLAB[@]}" --subnet 10.123.5 --out "$kdir"
kinv="$kdir/lab.yaml"
expect "the lab inventory validates"       0 "$BIN" validate -i "$kinv"

expect "plan the whole cluster"            2 "$BIN" plan -i "$kinv"
contains "kubeadm init on the first"       "kubeadm init on ${K}4: external etcd, controlPlaneEndpoint 10.123.5.10:8443"
contains "control planes join in turn"     "kubeadm join ${K}5 as control plane 2 of 3"
contains "the worker joins"                "kubeadm join ${K}7 as a worker"
contains "containerd from the cache"       "install containerd 2.1.9 from those packages (dpkg)"
contains "containerd 2.x gets config v3"   "/etc/containerd/config.toml: config version 3, SystemdCgroup = true"
contains "the missing binaries are named"  "kubernetes/v1.34.9/kubeadm does not exist"
expect "the saved plan"                    2 "$BIN" plan -i "$kinv" -o json --out "$kdir/plan.json"
if ! grep -qE 'auth_pass|token: "|secret: ' "$kdir/plan.json"; then ok "no secret in the saved plan"; else bad "no secret in the saved plan"; fi

# A containerd version the cached packages are not is refused before anything runs, at its line.
sed -e 's/^    containerd: 2.1.9$/    containerd: 1.7.29/' -e 's|containerd/v{version}|containerd/v2.1.9|' "$kinv" >"$kdir/containerd-absent.yaml"
expect "a containerd the cache lacks is refused" 3 "$BIN" plan -i "$kdir/containerd-absent.yaml"
contains "the refusal names wanted and held" "asks for containerd 1.7.29, but $PWD/cache/artifacts/containerd/v2.1.9 holds containerd 2.1.9"
contains "the refusal has its position"    "containerd-absent.yaml:"

expect "apply stops at the kubeadm binaries" 1 "$BIN" apply -i "$kinv" --yes
if grep -qE "changed +node-prep/${K}4/install:" <<<"$out"; then ok "the first apply installs containerd"; else bad "the first apply installs containerd" "$(grep node-prep/${K}4/install <<<"$out")"; fi
contains "the failure names the file"      "kubernetes/v1.34.9/kubeadm is not on this machine"
contains "kubeadm init is skipped"         "skipped  control-planes/${K}4/init (because node-prep/${K}4/kubeadm failed)"
contains "the worker join is skipped"      "skipped  workers/${K}7/join"
contains "haproxy runs anyway"             "changed  api-endpoint/${K}4/haproxy-running"
if grep -qE "\] (ok|changed) +etcd-health/${K}1/health-gate" <<<"$out"; then ok "etcd is built anyway"; else bad "etcd is built anyway" "$(grep etcd-health <<<"$out")"; fi

# Node preparation and containerd 2.1.9 (Debian unstable's package, on Debian 12), installed by Bulwark.
for h in 4 7; do
  expect "containerd installed on $K$h"      0 kon "$h" "dpkg-query -W -f='\${Version} \${Status}\n' containerd runc"
  contains "Debian unstable's containerd 2.1.9 on $K$h" "2.1.9+ds1-5 install ok installed"
  expect "containerd reports 2.1.9 on $K$h"  0 kon "$h" "containerd --version"
  contains "containerd 2.1.9 runs on $K$h"   "github.com/containerd/containerd/v2 2.1.9"
  expect "containerd's loaded config on $K$h" 0 kon "$h" "sudo containerd config dump"
  contains "config version 3 on $K$h"        "version = 3"
  contains "SystemdCgroup = true on $K$h"    "SystemdCgroup = true"
  if grep -A3 -E "io.containerd.cri.v1.images.?\.pinned_images\]" <<<"$out" | grep -qE "sandbox = ['\"]registry.k8s.io/pause:3.10['\"]"; then
    ok "pinned sandbox (cri.v1.images pinned_images) on $K$h"; else bad "pinned sandbox (cri.v1.images pinned_images) on $K$h" "$out"; fi
  expect "containerd answers on $K$h"        0 kon "$h" "sudo ctr --address /run/containerd/containerd.sock version"
  contains "server version on $K$h"          "Server:"
  expect "crictl and modules config on $K$h" 0 kon "$h" "cat /etc/crictl.yaml /etc/modules-load.d/bulwark-kubernetes.conf"
  contains "crictl talks to containerd"      "runtime-endpoint: unix:///run/containerd/containerd.sock"
  contains "br_netfilter at boot"            "br_netfilter"
  expect "SY1 and SY2 on $K$h"               0 kon "$h" "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables"
  if [ "$(tr -d '\n' <<<"$out")" = "111" ]; then ok "forwarding and bridge netfilter on on $K$h"; else bad "forwarding and bridge netfilter on on $K$h" "$out"; fi
  expect "no swap on $K$h"                   0 kon "$h" "test \$(wc -l < /proc/swaps) -le 1"
done

# The API endpoint: haproxy on every carrier (checked with haproxy -c), keepalived holding the VIP on one.
for h in 4 5 6; do
  expect "haproxy -c on $K$h"                0 kon "$h" "sudo haproxy -c -f /etc/haproxy/haproxy.cfg"
  expect "haproxy and keepalived on $K$h"    0 kon "$h" "systemctl is-active haproxy keepalived"
  expect "keepalived.conf is 0600 on $K$h"   0 kon "$h" "sudo stat -c %a /etc/keepalived/keepalived.conf"
  contains "0600 on $K$h"                    "600"
done
expect "the worker carries no proxy"       3 kon 7 "systemctl is-active haproxy"
holders=$(vip_holder)
if [ "$(wc -w <<<"$holders")" = 1 ]; then ok "exactly one carrier holds the VIP ($holders)"; else bad "exactly one carrier holds the VIP" "holders: $holders"; fi
pass_file="$kdir/$K.state/kubernetes/vrrp-pass"
if [ "$(stat -c %a "$pass_file" 2>/dev/null)" = 600 ] && kon 4 "sudo grep -c 'auth_pass $(cat "$pass_file")' /etc/keepalived/keepalived.conf" >/dev/null; then
  ok "the VRRP pass comes from the state dir (0600)"; else bad "the VRRP pass comes from the state dir (0600)"; fi
h=${holders:-4}
if [ "$(healthz "$h")" = "HTTP/1.1 503 Service Unavailable" ]; then ok "no apiserver yet: the endpoint reports 503"; else bad "no apiserver yet: the endpoint reports 503" "$(healthz "$h")"; fi

# A TLS stand-in for an apiserver on ${K}5:6443 (openssl s_server answers 200 to any GET): haproxy's
# /readyz check marks it up, the health page turns 200, and the VIP forwards TLS to it.
expect "a TLS stand-in on ${K}5:6443"      0 kon 5 "cd /run && sudo openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=apiserver-stand-in -days 1 -keyout /run/standin.key -out /run/standin.crt 2>/dev/null && sudo systemd-run --unit bulwark-test-apiserver --collect openssl s_server -quiet -accept $(kip 5):6443 -www -cert /run/standin.crt -key /run/standin.key"
for _ in $(seq 1 20); do [ "$(healthz "$h")" = "HTTP/1.1 200 OK" ] && break; sleep 0.5; done
if [ "$(healthz "$h")" = "HTTP/1.1 200 OK" ]; then ok "haproxy's /readyz check finds the apiserver"; else bad "haproxy's /readyz check finds the apiserver" "$(healthz "$h")"; fi
if echo | timeout 5 openssl s_client -connect 10.123.5.10:8443 2>/dev/null | grep -q "CN *= *apiserver-stand-in"; then
  ok "the VIP forwards TLS to an apiserver"; else bad "the VIP forwards TLS to an apiserver"; fi

# Failover: haproxy stops on the holder, keepalived's check fails, the VIP moves; apply heals it.
expect "stop haproxy on the VIP holder"    0 kon "$h" "sudo systemctl stop haproxy"
# While it moves both carriers may hold it for a moment ("4 5"): wait for one holder, not the old one.
for _ in $(seq 1 30); do nh=$(vip_holder); [ "$(wc -w <<<"$nh")" = 1 ] && [ "$nh" != "$h" ] && break; sleep 0.5; done
if [ -n "$nh" ] && [ "$nh" != "$h" ] && [ "$(wc -w <<<"$nh")" = 1 ]; then ok "the VIP moved from $K$h to $K$nh"; else bad "the VIP moved away from $K$h" "holders: $nh"; fi
if echo | timeout 5 openssl s_client -connect 10.123.5.10:8443 2>/dev/null | grep -q "CN *= *apiserver-stand-in"; then
  ok "the VIP still serves after failover"; else bad "the VIP still serves after failover"; fi
# The stand-in holds 6443 on a control plane not yet joined: kubeadm's preflight would fail there
# (Port-6443), so the plan refuses to go on while it runs.
expect "a held 6443 blocks the plan"      3 "$BIN" plan -i "$kinv"
contains "the holder is named"             "${K}5: port 6443 is in use by openssl; kubeadm's preflight needs it free (Port-6443)"
expect "stop the stand-in"                 0 kon 5 "sudo systemctl stop bulwark-test-apiserver"
expect "apply heals haproxy"               1 "$BIN" apply -i "$kinv" --yes
contains "only haproxy changed"            "Applied: 1 changed,"
expect "haproxy runs again"                0 kon "$h" "systemctl is-active haproxy"
expect "apply again"                       1 "$BIN" apply -i "$kinv" --yes
contains "nothing else to change"          "Applied: 0 changed,"
if grep -qE "ok +node-prep/${K}4/install( \(in place when planned\))?$" <<<"$out" && grep -qE "ok +node-prep/${K}7/install( \(in place when planned\))?$" <<<"$out"; then
  ok "containerd 2.1.9 counts as installed on a second apply"; else bad "containerd 2.1.9 counts as installed on a second apply" "$(grep install <<<"$out")"; fi

# Bad input: a URL artifact with the wrong digest, served from loopback, is refused and deleted.
mkdir -p "$kdir/mirror"
cp /usr/bin/true "$kdir/mirror/kubectl"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$kdir/mirror" >/dev/null 2>&1 &
mirror=$!
sed "s|^  artifacts:|  artifacts:\n    kubectl:\n      url: http://127.0.0.1:$port/kubectl\n      sha256: $(printf '0%.0s' $(seq 64))|" "$kinv" >"$kdir/url.yaml"
for _ in $(seq 1 20); do timeout 1 bash -c "</dev/tcp/127.0.0.1/$port" 2>/dev/null && break; sleep 0.2; done
expect "a wrong sha256 is refused"         1 "$BIN" fetch -i "$kdir/url.yaml"
contains "the digest is named"             "the inventory says 0000000000000000"
if ! ls "$kdir/$K.state/downloads/"*/kubectl >/dev/null 2>&1; then ok "the bad download was deleted"; else bad "the bad download was deleted"; fi
sed -i "s|sha256: 0\{64\}|sha256: $(sha256sum "$kdir/mirror/kubectl" | cut -d' ' -f1)|" "$kdir/url.yaml"
expect "the right sha256 is kept"          0 "$BIN" fetch -i "$kdir/url.yaml"
expect "a plan uses the download"          2 "$BIN" plan -i "$kdir/url.yaml"
contains "from the state dir"              "$K.state/downloads/"
kill "$mirror" 2>/dev/null; wait "$mirror" 2>/dev/null

# Scale: a new worker plans steps on that worker only, plus every firewall's peer list.
expect "scale plan"                        2 "$BIN" plan -i "$kinv" --playbook scale
contains "the worker joins"                "kubeadm join ${K}7 as a worker"

expect "k8s lab down"                      0 "$BIN" lab down "${KLAB[@]}"
