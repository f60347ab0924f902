if systemctl is-active --quiet etcd.service; then
  status=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint status -w simple)
  # ENDPOINT, ID, VERSION, DB SIZE, IS LEADER, ...
  me=$(printf '%s\n' "$status" | awk -F', ' '{print $2}')
  case "$me" in ""|*[!0-9a-f]*) printf 'this member reports no readable id\n' >&2; exit 1 ;; esac
  if [ "$(printf '%s\n' "$status" | awk -F', ' '{print $5}')" = true ]; then
    to=$(env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379,https://10.123.0.12:2379,https://10.123.0.13:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s member list -w simple | awk -F', ' -v me="$me" '$1 != me && $2 == "started" {print $1; exit}')
    case "$to" in ""|*[!0-9a-f]*) printf 'no other started member with a readable id to move leadership to\n' >&2; exit 1 ;; esac
    env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s move-leader "$to"
  fi
  env ETCDCTL_API=3 /opt/bulwark/etcd/v3.5.1/etcdctl --endpoints=https://10.123.0.11:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2 > /var/lib/bulwark/etcd-revision-before-restart
fi
