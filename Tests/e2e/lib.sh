# The end-to-end checks' vocabulary, sourced by run.sh and one.sh: ok, bad, expect, contains.
pass=0 fail=0
ok()   { pass=$((pass+1)); echo "ok   $1"; }
bad()  { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
# expect NAME WANTED-EXIT COMMAND...: runs the command, keeps its output in $out.
expect() {
  local name=$1 want=$2; shift 2
  out=$("$@" 2>&1); local got=$?
  # Every plan, apply and drift output is kept, so the runner can check what all of them say.
  case " $* " in *" plan "*|*" apply "*|*" drift "*) [ -n "${work:-}" ] && printf '%s\n' "$out" >>"$work/said.log" ;; esac
  if [ "$got" -eq "$want" ]; then ok "$name"; else bad "$name (exit $got, wanted $want)" "$out"; fi
}
contains() { if grep -qF -- "$2" <<<"$out"; then ok "$1"; else bad "$1: output lacks '$2'" "$out"; fi; }
# etcd_lab_inventory FILE CLUSTER SUBNET VERSION N: writes an inventory naming the first N hosts of
# the lab CLUSTER (at SUBNET.11, SUBNET.12, ...) as etcd members on VERSION, etcd from the cache.
etcd_lab_inventory() {
  local f=$1 name=$2 subnet=$3 version=$4 n=$5 i
  cat >"$f" <<EOF
apiVersion: bulwark.dev/v1alpha1
kind: Cluster
metadata:
  name: $name
spec:
  versions:
    etcd: $version
  sites:
    - {name: lab, kind: onprem, cidr: $subnet.0/24}
  ssh: {user: bulwark, keys: [id_ed25519], agent: false, knownHosts: known_hosts, hostKeyPolicy: strict}
  artifacts:
    etcd:
      file: $PWD/cache/artifacts/etcd/v{version}
  hosts:
EOF
  for ((i = 1; i <= n; i++)); do
    echo "    - {name: $name$i, address: $subnet.$((10 + i)), site: lab, roles: [etcd], ssh: {become: true}}" >>"$f"
  done
}
# lab_drop_ssh HOST / lab_undrop_ssh HOST: a firewall inside lab host HOST's namespace that drops
# SSH (a host that goes silent, not one that refuses), and its removal.
lab_drop_ssh() { ip netns exec "bwl-$1" nft -f - <<'EOF'
table inet e2eblock {
  chain input {
    type filter hook input priority -50;
    tcp dport 22 drop
  }
}
EOF
}
lab_undrop_ssh() { ip netns exec "bwl-$1" nft delete table inet e2eblock; }
