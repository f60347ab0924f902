total=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member list -w simple | wc -l)
others=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint health --cluster 2>&1 | grep 'is healthy' | grep -vc 'https://10.123.0.11:2379 ' || true)
quorum=$((total / 2 + 1))
if [ "$others" -lt "$quorum" ]; then
  printf 'refusing to restart %s: %s other members are healthy and quorum is %s of %s, so quorum could be lost\n' lab1 "$others" "$quorum" "$total" >&2; exit 1
fi
