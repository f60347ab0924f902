bad=0
if m=$(stat -c %a /etc/ssh/sshd_config 2>/dev/null) && [ $(( 0$m & ~0600 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0600 or stricter\n' /etc/ssh/sshd_config "$m"; bad=1; fi
if o=$(stat -c %U:%G /etc/ssh/sshd_config 2>/dev/null) && [ "$o" != root:root ]; then printf '%s owner %s, wants %s\n' /etc/ssh/sshd_config "$o" root:root; bad=1; fi
if m=$(stat -c %a /etc/ssh/ssh_host_ed25519_key 2>/dev/null) && [ $(( 0$m & ~0600 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0600 or stricter\n' /etc/ssh/ssh_host_ed25519_key "$m"; bad=1; fi
if m=$(stat -c %a /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null) && [ $(( 0$m & ~0644 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0644 or stricter\n' /etc/ssh/ssh_host_ed25519_key.pub "$m"; bad=1; fi
if m=$(stat -c %a /var/lib/etcd 2>/dev/null) && [ $(( 0$m & ~0700 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0700 or stricter\n' /var/lib/etcd "$m"; bad=1; fi
if o=$(stat -c %U:%G /var/lib/etcd 2>/dev/null) && [ "$o" != etcd:etcd ]; then printf '%s owner %s, wants %s\n' /var/lib/etcd "$o" etcd:etcd; bad=1; fi
if m=$(stat -c %a /etc/systemd/system/etcd.service 2>/dev/null) && [ $(( 0$m & ~0600 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0600 or stricter\n' /etc/systemd/system/etcd.service "$m"; bad=1; fi
if o=$(stat -c %U:%G /etc/systemd/system/etcd.service 2>/dev/null) && [ "$o" != root:root ]; then printf '%s owner %s, wants %s\n' /etc/systemd/system/etcd.service "$o" root:root; bad=1; fi
if m=$(stat -c %a /etc/etcd/pki/server.key 2>/dev/null) && [ $(( 0$m & ~0600 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0600 or stricter\n' /etc/etcd/pki/server.key "$m"; bad=1; fi
if m=$(stat -c %a /etc/etcd/pki/peer.key 2>/dev/null) && [ $(( 0$m & ~0600 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0600 or stricter\n' /etc/etcd/pki/peer.key "$m"; bad=1; fi
if m=$(stat -c %a /etc/etcd/pki/ca.crt 2>/dev/null) && [ $(( 0$m & ~0644 & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0644 or stricter\n' /etc/etcd/pki/ca.crt "$m"; bad=1; fi
exit $bad
