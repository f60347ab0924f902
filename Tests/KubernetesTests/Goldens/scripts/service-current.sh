systemctl is-active --quiet haproxy && systemctl is-enabled --quiet haproxy && [ "$(cat /etc/haproxy/haproxy.cfg | sha256sum)" = "$(cat /var/lib/bulwark/haproxy.applied 2>/dev/null)" ]
