grep -qx abababababababababababababababababababababababababababababababab /var/lib/bulwark/etcd-restored-from 2>/dev/null
