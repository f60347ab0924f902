out=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint health --cluster 2>&1); status=$?
total=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member list -w simple 2>/dev/null | wc -l)
healthy=$(printf '%s\n' "$out" | grep -c 'is healthy')
printf '%s\n' "$out"
[ "$status" -eq 0 ] && [ "$total" -gt 0 ] && [ "$healthy" -eq "$total" ] || exit 1
if [ -f /var/lib/bulwark/etcd-revision-before-restart ]; then
  before=$(cat /var/lib/bulwark/etcd-revision-before-restart)
  case "$before" in ""|*[!0-9]*) printf 'the revision mark %s holds no revision\n' /var/lib/bulwark/etcd-revision-before-restart >&2; exit 1 ;; esac
  now=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2)
  echo "revision: $before before the restart, $now now"
  [ -n "$now" ] && [ "$now" -ge "$before" ] || exit 1
  rm -f /var/lib/bulwark/etcd-revision-before-restart
fi
