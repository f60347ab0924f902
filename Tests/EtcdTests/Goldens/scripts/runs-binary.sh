pid=$(systemctl show -p MainPID --value etcd.service)
case "$pid" in ""|0|*[!0-9]*) printf '%s is not running (no main process)\n' etcd.service; exit 1 ;; esac
exe=$(readlink "/proc/$pid/exe")
[ "$exe" = /opt/bulwark/etcd/v3.5.1/etcd ] && exit 0
printf 'etcd runs %s, wants %s\n' "${exe:-an unknown binary}" /opt/bulwark/etcd/v3.5.1/etcd; exit 1
