cluster=lab1=https://10.123.0.11:2380,lab2=https://10.123.0.12:2380,lab3=https://10.123.0.13:2380
[ -f /etc/etcd/initial-cluster.env ] || { printf 'ETCD_INITIAL_CLUSTER=%s\nETCD_INITIAL_CLUSTER_STATE=%s\n' "$cluster" new > /etc/etcd/initial-cluster.env.tmp && chmod 0644 /etc/etcd/initial-cluster.env.tmp && mv /etc/etcd/initial-cluster.env.tmp /etc/etcd/initial-cluster.env; }
systemctl daemon-reload && systemctl enable --quiet etcd.service && systemctl start --no-block etcd.service
for i in $(seq 1 50); do
  case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; esac
  sleep 0.1
done
printf '%s did not start: %s\n' etcd.service "$(systemctl show -p ActiveState,SubState --value etcd.service | tr '\n' ' ')" >&2
exit 1
