haproxy -c -q -f /etc/haproxy/haproxy.cfg
