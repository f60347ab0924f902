pid=$(systemctl show -p MainPID --value etcd.service)
case "$pid" in ""|0|*[!0-9]*) printf '%s is not running (no main process)\n' etcd.service; exit 1 ;; esac
