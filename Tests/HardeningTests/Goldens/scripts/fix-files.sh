[ ! -e /etc/ssh/sshd_config ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/ssh/sshd_config) & 0600 )))" /etc/ssh/sshd_config
[ ! -e /etc/ssh/sshd_config ] || chown root:root /etc/ssh/sshd_config
[ ! -e /etc/ssh/ssh_host_ed25519_key ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/ssh/ssh_host_ed25519_key) & 0600 )))" /etc/ssh/ssh_host_ed25519_key
[ ! -e /etc/ssh/ssh_host_ed25519_key.pub ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/ssh/ssh_host_ed25519_key.pub) & 0644 )))" /etc/ssh/ssh_host_ed25519_key.pub
[ ! -e /var/lib/etcd ] || chmod "$(printf '%o' $(( 0$(stat -c %a /var/lib/etcd) & 0700 )))" /var/lib/etcd
[ ! -e /var/lib/etcd ] || chown etcd:etcd /var/lib/etcd
[ ! -e /etc/systemd/system/etcd.service ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/systemd/system/etcd.service) & 0600 )))" /etc/systemd/system/etcd.service
[ ! -e /etc/systemd/system/etcd.service ] || chown root:root /etc/systemd/system/etcd.service
[ ! -e /etc/etcd/pki/server.key ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/etcd/pki/server.key) & 0600 )))" /etc/etcd/pki/server.key
[ ! -e /etc/etcd/pki/peer.key ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/etcd/pki/peer.key) & 0600 )))" /etc/etcd/pki/peer.key
[ ! -e /etc/etcd/pki/ca.crt ] || chmod "$(printf '%o' $(( 0$(stat -c %a /etc/etcd/pki/ca.crt) & 0644 )))" /etc/etcd/pki/ca.crt
