sshd -T 2>/dev/null | sed -n 's/^\([a-z0-9]*\) \(.*\)$/sshd.\1=\2/p'
for p in /etc/ssh/sshd_config /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub /var/lib/etcd /etc/systemd/system/etcd.service /etc/etcd/pki/server.key /etc/etcd/pki/peer.key /etc/etcd/pki/ca.crt; do
  stat --printf 'stat.%n.mode=%a\nstat.%n.owner=%U:%G\n' "$p" 2>/dev/null || printf 'stat.%s.mode=absent\nstat.%s.owner=absent\n' "$p" "$p"
done
for k in net.ipv4.ip_forward net.ipv4.conf.all.send_redirects net.ipv4.conf.default.send_redirects net.ipv4.icmp_ignore_bogus_error_responses net.ipv4.icmp_echo_ignore_broadcasts net.ipv4.conf.all.accept_redirects net.ipv4.conf.default.accept_redirects net.ipv6.conf.all.accept_redirects net.ipv6.conf.default.accept_redirects net.ipv4.conf.all.secure_redirects net.ipv4.conf.default.secure_redirects net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.conf.all.accept_source_route net.ipv4.conf.default.accept_source_route net.ipv6.conf.all.accept_source_route net.ipv4.conf.all.log_martians net.ipv4.conf.default.log_martians net.ipv4.tcp_syncookies net.ipv6.conf.all.accept_ra net.ipv6.conf.default.accept_ra kernel.randomize_va_space kernel.yama.ptrace_scope fs.suid_dumpable fs.protected_hardlinks fs.protected_symlinks kernel.kptr_restrict kernel.dmesg_restrict kernel.sysrq net.ipv4.tcp_rfc1337; do
  f=/proc/sys/$(echo "$k" | tr . /)
  if [ -r "$f" ]; then echo "sysctl.$k=$(cat "$f" | tr '\t' ' ')"; else echo "sysctl.$k=absent"; fi
  [ -w "$f" ] || echo "readonly.$k"
done
if [ -r /etc/ssh/moduli ]; then echo "moduli.weak=$(awk '$5 < 2047 && $5 ~ /^[0-9]+$/' /etc/ssh/moduli | wc -l)"; fi
pid=$(systemctl show -p MainPID --value etcd.service 2>/dev/null)
if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -r /proc/$pid/cmdline ]; then
  tr '\0' '\n' < /proc/$pid/cmdline | sed -n 's/^--\([^=]*\)=\(.*\)$/etcd.\1=\2/p'
  echo "version.etcd=$(/proc/$pid/exe --version 2>/dev/null | sed -n 's/^etcd Version: //p' | head -1)"
fi
echo "os.codename=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")"
dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' openssh-server openssh-client containerd containerd.io runc etcd-server kubelet kubeadm 2>/dev/null |
  awk '$1 == "ii" { print "dpkg." $2 "=" $3 }'
if nft -s list table inet bulwark 2>/dev/null | sha256sum | cmp -s - /var/lib/bulwark/firewall.loaded; then
  echo "nft.bulwark=$(nft list table inet bulwark 2>/dev/null | sed -n 's/.*comment "\(bulwark [0-9a-f]*\)".*/\1/p' | head -1)"
else
  echo "nft.bulwark=$(nft list table inet bulwark >/dev/null 2>&1 && echo changed since Bulwark loaded it)"
fi
exit 0
