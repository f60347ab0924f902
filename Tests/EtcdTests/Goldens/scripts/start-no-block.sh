systemctl daemon-reload && systemctl enable --quiet etcd.service && systemctl start --no-block etcd.service
for i in $(seq 1 50); do
  case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; esac
  sleep 0.1
done
printf '%s did not start: %s\n' etcd.service "$(systemctl show -p ActiveState,SubState --value etcd.service | tr '\n' ' ')" >&2
exit 1
