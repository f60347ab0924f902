pid=$(systemctl show -p MainPID --value etcd.service)
case "$pid" in ""|0|*[!0-9]*) printf '%s is not running (no main process)\n' etcd.service; exit 1 ;; esac
now=$(tr '\0' ' ' < "/proc/$pid/cmdline"); want='/opt/bulwark/etcd/v3.5.1/etcd --name=lab1 --data-dir=/var/lib/etcd --listen-client-urls=https://10.123.0.11:2379,https://127.0.0.1:2379 --advertise-client-urls=https://10.123.0.11:2379 --listen-peer-urls=https://10.123.0.11:2380 --initial-advertise-peer-urls=https://10.123.0.11:2380 --initial-cluster-token=lab-etcd --client-cert-auth=true --trusted-ca-file=/etc/etcd/pki/ca.crt --cert-file=/etc/etcd/pki/server.crt --key-file=/etc/etcd/pki/server.key --peer-client-cert-auth=true --peer-trusted-ca-file=/etc/etcd/pki/ca.crt --peer-cert-file=/etc/etcd/pki/peer.crt --peer-key-file=/etc/etcd/pki/peer.key --auto-tls=false --peer-auto-tls=false --cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 --listen-metrics-urls=http://127.0.0.1:2381 --enable-pprof=false --logger=zap '
[ "$now" = "$want" ] && exit 0
set -f; extra=""; missing=""
for w in $now; do case " $want" in *" $w "*) ;; *) extra="$extra $w" ;; esac; done
for w in $want; do case " $now" in *" $w "*) ;; *) missing="$missing $w" ;; esac; done
printf 'etcd runs with%s its unit does not set, and without%s\n' "${extra:- nothing}" "${missing:- nothing}"; exit 1
