# `bulwark netpol hosts --verify` against real tables, sourced by run.sh (uses ok/bad/expect/contains,
# $BIN, $work). Three lab hosts, one per role: nh1 the (external) etcd member, nh2 the control
# plane, nh3 a worker, Calico VXLAN. Only the firewall is applied (the harden playbook's firewall
# step). --verify sends every pair's packets between the hosts' network namespaces: the matrix's
# ports must pass and every other port the matrix names must be dropped. Then two rules are
# changed by hand on nh1 and --verify must fail naming the pair and the port of each; an apply
# heals the table and --verify agrees again. The report shows the matrix. Last, under Calico
# IP-in-IP, BGP and IP protocol 4 pass between the nodes and are dropped elsewhere.
if [ "$(id -u)" -ne 0 ]; then bad "netpol hosts: needs root"; return 0; fi

# The sample inventories' addresses are fake: the matrix is worked out offline, and --verify
# refuses before sending anything, since those hosts are no lab's.
expect "netpol hosts of the hybrid sample"  0 "$BIN" netpol hosts -i inventories/hybrid.yaml --controller 192.0.2.250
contains "etcd peers between the members"   "etcd-dc1-a[Host] => etcd-dc1-b[Host] : TCP 2379-2380"
contains "SSH only from the controller"     "192.0.2.250[External] => etcd-dc1-a[Host] : TCP 22,TCP 2379"
expect "--verify on a sample is refused"    3 "$BIN" netpol hosts -i inventories/single.yaml --verify
contains "it says why"                      "--verify runs on a bulwark lab only: no network namespace for"

N=bwnh
ndir="$work/netpol-hosts"
NLAB=(--name "$N")
nip() { echo "10.123.13.$((10 + $1))"; }
expect "netpol-hosts lab: up 3"             0 "$BIN" lab up 3 "${NLAB[@]}" --subnet 10.123.13 --out "$ndir"
{
  echo "apiVersion: bulwark.dev/v1alpha1"
  echo "kind: Cluster"
  echo "metadata: {name: $N}"
  echo "spec:"
  echo "  versions: {etcd: 3.5.30, kubernetes: 1.34.9}"
  echo "  etcd: {topology: external, allowSingleMember: true}"
  echo "  sites: [{name: $N, kind: onprem}]"
  sed -n '/^  ssh:/,/hostKeyPolicy/p' "$ndir/lab.yaml"
  printf '  artifacts:\n    etcd:\n      file: %s\n' "$PWD/cache/artifacts/etcd/v{version}"
  echo "  kubernetes:"
  echo "    cni: {plugin: calico, version: 3.28.2, mode: vxlan}"
  echo "  hosts:"
  echo "    - {name: ${N}1, address: $(nip 1), site: $N, roles: [etcd], ssh: {become: true}}"
  echo "    - {name: ${N}2, address: $(nip 2), site: $N, roles: [control-plane], ssh: {become: true}}"
  echo "    - {name: ${N}3, address: $(nip 3), site: $N, roles: [worker], ssh: {become: true}}"
} >"$ndir/hosts.yaml"
sed -n '1,/kind: hardening.firewall/p' playbooks/harden.yaml >"$ndir/firewall-playbook.yaml"
expect "apply: the firewall"                0 "$BIN" apply -i "$ndir/hosts.yaml" --playbook "$ndir/firewall-playbook.yaml" --yes

expect "the lab's host matrix"              0 "$BIN" netpol hosts -i "$ndir/hosts.yaml"
matrix=$out
contains "the control plane is an etcd client" "${N}2[Host] => ${N}1[Host] : TCP 2379"
contains "the worker reaches the apiserver, the kubelet, VXLAN" "${N}3[Host] => ${N}2[Host] : TCP 6443,TCP 10250,UDP 4789"
contains "the etcd member reaches the apiserver (cluster_hosts)" "${N}1[Host] => ${N}2[Host] : TCP 6443"
if grep -q "=> ${N}3\[Host\]" <<<"$(grep "^${N}1\[Host\]" <<<"$matrix")"; then
  bad "the etcd member reaches nothing on the worker" "$matrix"; else ok "the etcd member reaches nothing on the worker"; fi
contains "SSH and etcd from the controller" "10.123.13.1[External] => ${N}1[Host] : TCP 22,TCP 2379"

expect "--verify agrees with the kernel"    0 "$BIN" netpol hosts -i "$ndir/hosts.yaml" --verify
contains "every pair and port was probed, none unobservable" "verify: 42 probes (7 the matrix admits, 35 it denies): the kernel"
contains "allowed and denied ones"          "the kernel agrees with the matrix"

# By hand on nh1: the etcd client rule for the control planes is deleted, and the kubelet port
# (which an etcd-only host never opens) is let in from anywhere.
inns1() { ip netns exec "bwl-${N}1" "$@"; }
handle=$(inns1 nft -a list chain inet bulwark input | awk '/tcp dport 2379 ip saddr @control_planes/ {print $NF}')
expect "delete the control planes' etcd rule" 0 inns1 nft delete rule inet bulwark input handle "$handle"
expect "open 10250 on the etcd member"      0 inns1 nft insert rule inet bulwark input tcp dport 10250 accept
expect "--verify fails on the changed table" 1 "$BIN" netpol hosts -i "$ndir/hosts.yaml" --verify
contains "the deleted rule: pair and port"  "mismatch: ${N}2[Host] => ${N}1[Host] : TCP 2379: expected open, observed dropped"
contains "the added rule: pair and port"    "mismatch: ${N}2[Host] => ${N}1[Host] : TCP 10250: expected dropped, observed open"
contains "from the worker too"              "mismatch: ${N}3[Host] => ${N}1[Host] : TCP 10250: expected dropped, observed open"
contains "the count"                        "3 disagree"
expect "apply heals the table"              0 "$BIN" apply -i "$ndir/hosts.yaml" --playbook "$ndir/firewall-playbook.yaml" --yes
expect "--verify agrees again"              0 "$BIN" netpol hosts -i "$ndir/hosts.yaml" --verify

# The report's network section: this lab's host matrix, and a fixture's pod matrix.
pods=Tests/NetworkPolicyTests/Fixtures/semantics/07-pod-selector-peer.yaml
expect "report with the network section"    0 "$BIN" report -i "$ndir/hosts.yaml" --playbook "$ndir/firewall-playbook.yaml" --html "$ndir/report.html" --manifests "$pods"
out=$(cat "$ndir/report.html")
contains "the host matrix is in it"         "<td>${N}3[Host]</td><td>${N}2[Host]</td><td>TCP 6443,TCP 10250,UDP 4789</td>"
contains "the pod matrix is in it"          "<td>ns1/client[Pod]</td><td>ns1/server[Pod]</td><td>All Connections</td>"
contains "exposure rows are highlighted"    '<tr class="x error"><td>0.0.0.0-255.255.255.255[External]</td><td>ns1/client[Pod]</td>'
contains "the tables can be filtered"       'data-table="pods-t"'

# Calico IP-in-IP: BGP and IP protocol 4 between the nodes, probed as raw packets.
sed 's/mode: vxlan/mode: ipip/' "$ndir/hosts.yaml" >"$ndir/ipip.yaml"
expect "apply: the calico-ipip firewall"    0 "$BIN" apply -i "$ndir/ipip.yaml" --playbook "$ndir/firewall-playbook.yaml" --yes
expect "--verify under calico-ipip"         0 "$BIN" netpol hosts -i "$ndir/ipip.yaml" --verify
contains "IP-in-IP between the nodes"       "${N}3[Host] => ${N}2[Host] : TCP 179,TCP 6443,TCP 10250,IPPROTO 4"
contains "IP protocol 4 was probed too, none unobservable" "verify: 48 probes (9 the matrix admits, 39 it denies): the kernel"

expect "netpol-hosts lab down"              0 "$BIN" lab down "${NLAB[@]}"
