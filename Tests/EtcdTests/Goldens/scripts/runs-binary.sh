pid=$(systemctl show -p MainPID --value etcd.service)
case "$pid" in ""|0|*[!0-9]*) exit 1 ;; esac
readlink "/proc/$pid/exe" | grep -qx /opt/bulwark/etcd/v3.5.1/etcd
