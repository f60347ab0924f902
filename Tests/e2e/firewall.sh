# Host firewall end-to-end checks with real packets, sourced by run.sh (uses ok/bad/expect/contains,
# $BIN, $work). Three lab hosts: fw1 a control plane (stacked etcd), fw2 a worker, fw3 in no
# inventory (a stranger on the same network). Only the firewall is applied (a one-step playbook);
# the CNI profile is switched from Calico VXLAN to Calico IP-in-IP/BGP and applied again. Probes
# run in the hosts' network namespaces, where each host's nftables table is loaded: a listener
# (the controller's python3 inside the namespace) on fw1, the sender on fw2 or fw3.
if [ "$(id -u)" -ne 0 ]; then bad "firewall: needs root"; return 0; fi

F=bwfw
fdir="$work/firewall"
FLAB=(--name "$F")
fip() { echo "10.123.9.$((10 + $1))"; }
expect "firewall lab: up 3"                0 "$BIN" lab up 3 "${FLAB[@]}" --subnet 10.123.9 --out "$fdir"

# The site has no cidr, so the node set is the nodes' own addresses: fw3 is not in it.
finv() {
  echo "apiVersion: bulwark.dev/v1alpha1"
  echo "kind: Cluster"
  echo "metadata: {name: $F}"
  echo "spec:"
  echo "  versions: {etcd: 3.5.30, kubernetes: 1.34.9}"
  echo "  etcd: {topology: stacked, allowSingleMember: true}"
  echo "  sites: [{name: $F, kind: onprem}]"
  sed -n '/^  ssh:/,/hostKeyPolicy/p' "$fdir/lab.yaml"
  echo "  kubernetes:"
  echo "    cni: {plugin: calico, version: 3.28.2, mode: $1}"
  echo "  hosts:"
  echo "    - {name: ${F}1, address: $(fip 1), site: $F, roles: [control-plane], ssh: {become: true}}"
  echo "    - {name: ${F}2, address: $(fip 2), site: $F, roles: [worker], ssh: {become: true}}"
}
# The harden playbook's firewall alone: its directories, then the table.
sed -n '1,/kind: hardening.firewall/p' playbooks/harden.yaml >"$fdir/firewall-playbook.yaml"

inns() { local h=$1; shift; ip netns exec "bwl-$F$h" "$@"; }
# listen HOST PROTO PORT: a one-shot listener on HOST that prints what it received ("got ...") or
# "nothing" after 4 s; its output goes to $fdir/listen.out.
listen() {
  inns "$1" python3 - "$2" "$3" >"$fdir/listen.out" 2>&1 <<'PY' &
import socket, sys
proto, port = sys.argv[1], int(sys.argv[2])
if proto == "ipip":  # IP protocol 4: a raw socket sees every such packet the input chain lets in
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
s.settimeout(4)
try:
    if proto == "ipip":
        data, peer = s.recvfrom(200)
        data = data[(data[0] & 15) * 4:]  # past the IP header
    elif proto == "udp":
        data, peer = s.recvfrom(100)
    else:
        s.listen(1)
        c, peer = s.accept()
        c.settimeout(2)
        data = c.recv(100)
    print("got", data.decode().strip(), "from", peer[0])
except socket.timeout:
    print("nothing")
PY
  listener=$!
  sleep 0.5
}
# send FROM PROTO PORT: a probe from host FROM to fw1, through bash's /dev/tcp or /dev/udp on the
# lab host itself (over its own login, as a user would).
send() {
  "$BIN" lab ssh "${FLAB[@]}" "$F$1" -- "timeout 3 bash -c 'echo probe-$2-$3 >/dev/$2/$(fip 1)/$3'" >/dev/null 2>&1
}
# send_as FROM SOURCE-ADDRESS PORT: a TCP probe to fw1 from host FROM with another source address
# (a pod's, as the CNI forwards it unmasqueraded), from inside FROM's namespace.
send_as() {
  inns "$1" timeout 4 python3 -c 'import socket, sys
s = socket.socket(); s.bind((sys.argv[1], 0)); s.settimeout(3); s.connect((sys.argv[2], int(sys.argv[3])))
s.send(("probe-tcp-" + sys.argv[3]).encode())' "$2" "$(fip 1)" "$3" >/dev/null 2>&1
}
# send_ipip FROM: an IP protocol 4 packet (IP-in-IP's number) to fw1, from a raw socket.
send_ipip() {
  inns "$1" python3 -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_RAW, 4).sendto(b"probe-ipip-0", (sys.argv[1], 0))' "$(fip 1)" >/dev/null 2>&1
}
# probe NAME FROM PROTO PORT WANT(pass|drop) [SOURCE-ADDRESS]
probe() {
  listen 1 "$3" "$4"
  if [ "$3" = ipip ]; then send_ipip "$2"
  elif [ -n "${6:-}" ]; then send_as "$2" "$6" "$4"; else send "$2" "$3" "$4"; fi
  wait "$listener"
  local got; got=$(cat "$fdir/listen.out")
  if [ "$5" = pass ] && [[ $got == "got probe-$3-$4 from ${6:-$(fip "$2")}" ]]; then ok "$1"
  elif [ "$5" = drop ] && [ "$got" = nothing ]; then ok "$1"
  else bad "$1 (wanted $5)" "$got"; fi
}

finv vxlan >"$fdir/vxlan.yaml"
expect "plan names the profile"            2 "$BIN" plan -i "$fdir/vxlan.yaml" --playbook "$fdir/firewall-playbook.yaml"
contains "the worker's firewall is Calico VXLAN's" "ports for worker and CNI profile calico-vxlan"
expect "apply: the calico-vxlan firewall"  0 "$BIN" apply -i "$fdir/vxlan.yaml" --playbook "$fdir/firewall-playbook.yaml" --yes
expect "the loaded table"                  0 inns 1 nft list table inet bulwark
contains "VXLAN from the node set"         "udp dport 4789 ip saddr @kubernetes_nodes accept"
contains "pods reach the apiserver"        "tcp dport 6443 ip saddr @pods accept"
probe "VXLAN udp/4789 from a node passes"  2 udp 4789 pass
probe "VXLAN udp/4789 from a stranger is dropped" 3 udp 4789 drop
probe "BGP tcp/179 is dropped (no BIRD in calico-vxlan)" 2 tcp 179 drop
probe "tcp/4444 (no profile names it) is dropped" 2 tcp 4444 drop
probe "udp/8472 (Cilium's, not this profile's) is dropped" 2 udp 8472 drop
probe "IP-in-IP (protocol 4) is dropped" 2 ipip 0 drop

# Pods: a pod address on the worker (10.244.1.5, in the pod CIDR) and one outside it, each routed
# back from fw1 as the CNI would. Unmasqueraded pod traffic reaches the apiserver and the kubelet;
# masqueraded, it carries the node's address, which the node set admits.
expect "a pod address on the worker"       0 inns 2 sh -c "ip addr add 10.244.1.5/32 dev eth0 && ip addr add 10.250.0.5/32 dev eth0"
expect "routed back from the control plane" 0 inns 1 sh -c "ip route add 10.244.1.5/32 via $(fip 2) && ip route add 10.250.0.5/32 via $(fip 2)"
probe "a pod reaches the apiserver unmasqueraded" 2 tcp 6443 pass 10.244.1.5
probe "a pod reaches the kubelet unmasqueraded"   2 tcp 10250 pass 10.244.1.5
probe "a masqueraded pod (the node's address) reaches the kubelet" 2 tcp 10250 pass
probe "an address outside the pod CIDR does not"  2 tcp 6443 drop 10.250.0.5
probe "a pod does not reach etcd"                 2 tcp 2379 drop 10.244.1.5

finv ipip >"$fdir/ipip.yaml"
expect "apply: the calico-ipip firewall"   0 "$BIN" apply -i "$fdir/ipip.yaml" --playbook "$fdir/firewall-playbook.yaml" --yes
expect "the reloaded table"                0 inns 1 nft list table inet bulwark
contains "BGP from the node set"           "tcp dport 179 ip saddr @kubernetes_nodes accept"
contains "IP-in-IP (protocol 4, ipencap) from the node set" "meta l4proto ipencap ip saddr @kubernetes_nodes accept"
probe "BGP tcp/179 from a node passes"     2 tcp 179 pass
probe "BGP tcp/179 from a stranger is dropped" 3 tcp 179 drop
probe "IP-in-IP (protocol 4) from a node passes" 2 ipip 0 pass
probe "IP-in-IP from a stranger is dropped" 3 ipip 0 drop
probe "VXLAN udp/4789 is dropped now"      2 udp 4789 drop
probe "tcp/4444 is still dropped"          2 tcp 4444 drop
expect "a second apply changes nothing"    0 "$BIN" apply -i "$fdir/ipip.yaml" --playbook "$fdir/firewall-playbook.yaml" --yes
contains "nothing to do"                   "Applied: 0 changed,"

expect "firewall lab down"                 0 "$BIN" lab down "${FLAB[@]}"
