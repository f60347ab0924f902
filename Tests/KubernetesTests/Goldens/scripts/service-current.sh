systemctl is-active --quiet haproxy || { printf '%s is not active\n' haproxy; exit 1; }
systemctl is-enabled --quiet haproxy || { printf '%s is not enabled\n' haproxy; exit 1; }
[ "$(cat /etc/haproxy/haproxy.cfg | sha256sum)" = "$(cat /var/lib/bulwark/haproxy.applied 2>/dev/null)" ] && exit 0
printf '%s is not restarted since %s changed\n' haproxy /etc/haproxy/haproxy.cfg; exit 1
