keepalived --config-test -f /etc/keepalived/keepalived.conf
