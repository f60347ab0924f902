grep -qx abababababababababababababababababababababababababababababababab /var/lib/bulwark/etcd-restored-from 2>/dev/null && exit 0
printf 'not restored from snapshot sha256 %s yet (%s names another or none)\n' 'abababababab…' /var/lib/bulwark/etcd-restored-from; exit 1
