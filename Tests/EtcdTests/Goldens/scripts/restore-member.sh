set -e
systemctl stop etcd.service
[ -d /var/lib/etcd ] && mv /var/lib/etcd /var/lib/etcd.before-restore-$(date +%s)
/opt/bulwark/etcd/v3.5.1/etcdutl snapshot restore /var/lib/bulwark/etcd-restore.db --name lab1 --data-dir /var/lib/etcd \
  --initial-cluster lab1=https://10.123.0.11:2380,lab2=https://10.123.0.12:2380,lab3=https://10.123.0.13:2380 --initial-advertise-peer-urls https://10.123.0.11:2380 \
  --initial-cluster-token lab-etcd
chown -R etcd:etcd /var/lib/etcd && chmod 0700 /var/lib/etcd
cluster=lab1=https://10.123.0.11:2380,lab2=https://10.123.0.12:2380,lab3=https://10.123.0.13:2380
printf 'ETCD_INITIAL_CLUSTER=%s\nETCD_INITIAL_CLUSTER_STATE=%s\n' "$cluster" new > /etc/etcd/initial-cluster.env.tmp && chmod 0644 /etc/etcd/initial-cluster.env.tmp && mv /etc/etcd/initial-cluster.env.tmp /etc/etcd/initial-cluster.env
echo abababababababababababababababababababababababababababababababab > /var/lib/bulwark/etcd-restored-from
