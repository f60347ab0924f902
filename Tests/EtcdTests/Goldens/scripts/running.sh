state=$(systemctl show -p ActiveState --value etcd.service); sub=$(systemctl show -p SubState --value etcd.service)
case "$state" in active|activating) exit 0 ;; esac
printf '%s is %s (%s), not running yet\n' etcd.service "${state:-unknown}" "${sub:-unknown}"; exit 1
