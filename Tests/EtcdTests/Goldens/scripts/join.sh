set -e
list() { env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member list -w simple; }
if ! list | grep -q ', https://10.123.0.13:2380, '; then
  if [ -d /var/lib/etcd/member ]; then mv /var/lib/etcd /var/lib/etcd.stale-$(date +%s); install -d -o etcd -g etcd -m 0700 /var/lib/etcd; fi
  # etcd refuses a reconfiguration until every member has been connected for a few seconds
  # (strict reconfig check), so a join right after another one retries for a while.
  for i in $(seq 1 30); do
    if out=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member add lab3 --peer-urls=https://10.123.0.13:2380 2>&1); then break; fi
    case "$out" in *"unhealthy cluster"*) sleep 1 ;; *) printf '%s\n' "$out" >&2; exit 1 ;; esac
  done
  list | grep -q ', https://10.123.0.13:2380, ' || { printf 'member add %s still refused after 30 s: %s\n' lab3 "$out" >&2; exit 1; }
fi
# The cluster to join: every member by name (this one, still unnamed while unstarted, by ours).
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
printf 'ETCD_INITIAL_CLUSTER=%s\nETCD_INITIAL_CLUSTER_STATE=%s\n' "$cluster" existing > /etc/etcd/initial-cluster.env.tmp && chmod 0644 /etc/etcd/initial-cluster.env.tmp && mv /etc/etcd/initial-cluster.env.tmp /etc/etcd/initial-cluster.env
systemctl daemon-reload && systemctl enable --quiet etcd.service && systemctl start --no-block etcd.service
for i in $(seq 1 50); do
  case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; esac
  sleep 0.1
done
printf '%s did not start: %s\n' etcd.service "$(systemctl show -p ActiveState,SubState --value etcd.service | tr '\n' ' ')" >&2
exit 1
