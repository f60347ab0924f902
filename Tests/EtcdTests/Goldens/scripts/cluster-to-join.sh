entries=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member list -w simple | awk -F', ' -v me=lab3 -v peer=https://10.123.0.13:2380 'NF != 6 { print "?"; next } { print $4 " " (($4 == peer) ? me : $3) }')
cluster=""
while IFS= read -r entry; do
  p=${entry%% *}; n=${entry#* }
  case "$p" in http://*|https://*) ;; *) printf 'refusing to join: a member list line does not read as ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER\n' >&2; exit 1 ;; esac
  case "$p" in *[!]0-9A-Za-z.:/[-]*) printf 'refusing to join: a member has a peer URL that is not a URL\n' >&2; exit 1 ;; esac
  case "$n" in ""|-*|.*|*-|*.|*[!a-z0-9.-]*) printf 'refusing to join: the member at %s has no name or one that is not a DNS-1123 name\n' "$p" >&2; exit 1 ;; esac
  cluster="$cluster${cluster:+,}$n=$p"
done <<EOF
$entries
EOF
