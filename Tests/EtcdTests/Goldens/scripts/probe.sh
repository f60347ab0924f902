state=$(systemctl show -p ActiveState --value etcd.service 2>/dev/null)
echo "state=${state:-unknown}"
pid=$(systemctl show -p MainPID --value etcd.service 2>/dev/null)
exe=""
case "$pid" in ""|0|*[!0-9]*) ;; *) exe=$(readlink "/proc/$pid/exe") ;; esac
if [ -n "$exe" ]; then echo "version=$("$exe" --version 2>/dev/null | sed -n 's/^etcd Version: //p')"; fi
if [ -d /var/lib/etcd/member ]; then echo data=yes; else echo data=no; fi
if [ -n "$exe" ] && [ -x "$(dirname "$exe")/etcdctl" ]; then
  echo members:
  ETCDCTL_API=3 "$(dirname "$exe")/etcdctl" --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s \
    member list -w simple 2>/dev/null || true
fi
exit 0
