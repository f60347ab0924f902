e=$(systemctl is-enabled kubelet.service 2>/dev/null); enabled=$?
r=$(systemctl show -p NeedDaemonReload --value kubelet.service)
[ "$enabled" -eq 0 ] && [ "$r" = no ] && exit 0
[ "$r" = no ] && r="" || r=", its unit file changed since systemd read it"
printf 'kubelet.service is %s%s; wants enabled\n' "${e:-not installed}" "$r"; exit 1
