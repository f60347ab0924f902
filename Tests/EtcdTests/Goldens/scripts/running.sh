case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; *) exit 1 ;; esac
