set -e
total=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member list -w simple | wc -l)
others=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint health --cluster 2>&1 | grep 'is healthy' | grep -vc 'https://10.123.0.14:2379 ' || true)
remaining=$((total - 1)); quorum=$((remaining / 2 + 1))
if [ "$others" -lt "$quorum" ]; then
  printf 'refusing to remove %s: %s healthy members would remain of %s, below quorum %s\n' lab4 "$others" "$remaining" "$quorum" >&2; exit 1
fi
env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member remove 0000000000000004
