sshd -T 2>/dev/null | sed -n 's/^\([a-z0-9]*\) \(.*\)$/sshd.\1=\2/p'
for p in /etc/ssh/sshd_config /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub /var/lib/etcd /etc/systemd/system/etcd.service /etc/etcd/pki/server.key /etc/etcd/pki/peer.key /etc/etcd/pki/ca.crt; do [ -e "$p" ] || [ -h "$p" ] || printf 'stat.%s.mode=absent\nstat.%s.owner=absent\n' "$p" "$p"; done
stat --printf 'stat.%n.mode=%a\nstat.%n.owner=%U:%G\n' -- /etc/ssh/sshd_config /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub /var/lib/etcd /etc/systemd/system/etcd.service /etc/etcd/pki/server.key /etc/etcd/pki/peer.key /etc/etcd/pki/ca.crt 2>/dev/null
set --
if [ -r /proc/sys/net/ipv4/ip_forward ]; then set -- "$@" /proc/sys/net/ipv4/ip_forward; else echo sysctl.net.ipv4.ip_forward=absent; fi; [ -w /proc/sys/net/ipv4/ip_forward ] || echo readonly.net.ipv4.ip_forward
if [ -r /proc/sys/net/ipv4/conf/all/send_redirects ]; then set -- "$@" /proc/sys/net/ipv4/conf/all/send_redirects; else echo sysctl.net.ipv4.conf.all.send_redirects=absent; fi; [ -w /proc/sys/net/ipv4/conf/all/send_redirects ] || echo readonly.net.ipv4.conf.all.send_redirects
if [ -r /proc/sys/net/ipv4/conf/default/send_redirects ]; then set -- "$@" /proc/sys/net/ipv4/conf/default/send_redirects; else echo sysctl.net.ipv4.conf.default.send_redirects=absent; fi; [ -w /proc/sys/net/ipv4/conf/default/send_redirects ] || echo readonly.net.ipv4.conf.default.send_redirects
if [ -r /proc/sys/net/ipv4/icmp_ignore_bogus_error_responses ]; then set -- "$@" /proc/sys/net/ipv4/icmp_ignore_bogus_error_responses; else echo sysctl.net.ipv4.icmp_ignore_bogus_error_responses=absent; fi; [ -w /proc/sys/net/ipv4/icmp_ignore_bogus_error_responses ] || echo readonly.net.ipv4.icmp_ignore_bogus_error_responses
if [ -r /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts ]; then set -- "$@" /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts; else echo sysctl.net.ipv4.icmp_echo_ignore_broadcasts=absent; fi; [ -w /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts ] || echo readonly.net.ipv4.icmp_echo_ignore_broadcasts
if [ -r /proc/sys/net/ipv4/conf/all/accept_redirects ]; then set -- "$@" /proc/sys/net/ipv4/conf/all/accept_redirects; else echo sysctl.net.ipv4.conf.all.accept_redirects=absent; fi; [ -w /proc/sys/net/ipv4/conf/all/accept_redirects ] || echo readonly.net.ipv4.conf.all.accept_redirects
if [ -r /proc/sys/net/ipv4/conf/default/accept_redirects ]; then set -- "$@" /proc/sys/net/ipv4/conf/default/accept_redirects; else echo sysctl.net.ipv4.conf.default.accept_redirects=absent; fi; [ -w /proc/sys/net/ipv4/conf/default/accept_redirects ] || echo readonly.net.ipv4.conf.default.accept_redirects
if [ -r /proc/sys/net/ipv6/conf/all/accept_redirects ]; then set -- "$@" /proc/sys/net/ipv6/conf/all/accept_redirects; else echo sysctl.net.ipv6.conf.all.accept_redirects=absent; fi; [ -w /proc/sys/net/ipv6/conf/all/accept_redirects ] || echo readonly.net.ipv6.conf.all.accept_redirects
if [ -r /proc/sys/net/ipv6/conf/default/accept_redirects ]; then set -- "$@" /proc/sys/net/ipv6/conf/default/accept_redirects; else echo sysctl.net.ipv6.conf.default.accept_redirects=absent; fi; [ -w /proc/sys/net/ipv6/conf/default/accept_redirects ] || echo readonly.net.ipv6.conf.default.accept_redirects
if [ -r /proc/sys/net/ipv4/conf/all/secure_redirects ]; then set -- "$@" /proc/sys/net/ipv4/conf/all/secure_redirects; else echo sysctl.net.ipv4.conf.all.secure_redirects=absent; fi; [ -w /proc/sys/net/ipv4/conf/all/secure_redirects ] || echo readonly.net.ipv4.conf.all.secure_redirects
if [ -r /proc/sys/net/ipv4/conf/default/secure_redirects ]; then set -- "$@" /proc/sys/net/ipv4/conf/default/secure_redirects; else echo sysctl.net.ipv4.conf.default.secure_redirects=absent; fi; [ -w /proc/sys/net/ipv4/conf/default/secure_redirects ] || echo readonly.net.ipv4.conf.default.secure_redirects
if [ -r /proc/sys/net/ipv4/conf/all/rp_filter ]; then set -- "$@" /proc/sys/net/ipv4/conf/all/rp_filter; else echo sysctl.net.ipv4.conf.all.rp_filter=absent; fi; [ -w /proc/sys/net/ipv4/conf/all/rp_filter ] || echo readonly.net.ipv4.conf.all.rp_filter
if [ -r /proc/sys/net/ipv4/conf/default/rp_filter ]; then set -- "$@" /proc/sys/net/ipv4/conf/default/rp_filter; else echo sysctl.net.ipv4.conf.default.rp_filter=absent; fi; [ -w /proc/sys/net/ipv4/conf/default/rp_filter ] || echo readonly.net.ipv4.conf.default.rp_filter
if [ -r /proc/sys/net/ipv4/conf/all/accept_source_route ]; then set -- "$@" /proc/sys/net/ipv4/conf/all/accept_source_route; else echo sysctl.net.ipv4.conf.all.accept_source_route=absent; fi; [ -w /proc/sys/net/ipv4/conf/all/accept_source_route ] || echo readonly.net.ipv4.conf.all.accept_source_route
if [ -r /proc/sys/net/ipv4/conf/default/accept_source_route ]; then set -- "$@" /proc/sys/net/ipv4/conf/default/accept_source_route; else echo sysctl.net.ipv4.conf.default.accept_source_route=absent; fi; [ -w /proc/sys/net/ipv4/conf/default/accept_source_route ] || echo readonly.net.ipv4.conf.default.accept_source_route
if [ -r /proc/sys/net/ipv6/conf/all/accept_source_route ]; then set -- "$@" /proc/sys/net/ipv6/conf/all/accept_source_route; else echo sysctl.net.ipv6.conf.all.accept_source_route=absent; fi; [ -w /proc/sys/net/ipv6/conf/all/accept_source_route ] || echo readonly.net.ipv6.conf.all.accept_source_route
if [ -r /proc/sys/net/ipv4/conf/all/log_martians ]; then set -- "$@" /proc/sys/net/ipv4/conf/all/log_martians; else echo sysctl.net.ipv4.conf.all.log_martians=absent; fi; [ -w /proc/sys/net/ipv4/conf/all/log_martians ] || echo readonly.net.ipv4.conf.all.log_martians
if [ -r /proc/sys/net/ipv4/conf/default/log_martians ]; then set -- "$@" /proc/sys/net/ipv4/conf/default/log_martians; else echo sysctl.net.ipv4.conf.default.log_martians=absent; fi; [ -w /proc/sys/net/ipv4/conf/default/log_martians ] || echo readonly.net.ipv4.conf.default.log_martians
if [ -r /proc/sys/net/ipv4/tcp_syncookies ]; then set -- "$@" /proc/sys/net/ipv4/tcp_syncookies; else echo sysctl.net.ipv4.tcp_syncookies=absent; fi; [ -w /proc/sys/net/ipv4/tcp_syncookies ] || echo readonly.net.ipv4.tcp_syncookies
if [ -r /proc/sys/net/ipv6/conf/all/accept_ra ]; then set -- "$@" /proc/sys/net/ipv6/conf/all/accept_ra; else echo sysctl.net.ipv6.conf.all.accept_ra=absent; fi; [ -w /proc/sys/net/ipv6/conf/all/accept_ra ] || echo readonly.net.ipv6.conf.all.accept_ra
if [ -r /proc/sys/net/ipv6/conf/default/accept_ra ]; then set -- "$@" /proc/sys/net/ipv6/conf/default/accept_ra; else echo sysctl.net.ipv6.conf.default.accept_ra=absent; fi; [ -w /proc/sys/net/ipv6/conf/default/accept_ra ] || echo readonly.net.ipv6.conf.default.accept_ra
if [ -r /proc/sys/kernel/randomize_va_space ]; then set -- "$@" /proc/sys/kernel/randomize_va_space; else echo sysctl.kernel.randomize_va_space=absent; fi; [ -w /proc/sys/kernel/randomize_va_space ] || echo readonly.kernel.randomize_va_space
if [ -r /proc/sys/kernel/yama/ptrace_scope ]; then set -- "$@" /proc/sys/kernel/yama/ptrace_scope; else echo sysctl.kernel.yama.ptrace_scope=absent; fi; [ -w /proc/sys/kernel/yama/ptrace_scope ] || echo readonly.kernel.yama.ptrace_scope
if [ -r /proc/sys/fs/suid_dumpable ]; then set -- "$@" /proc/sys/fs/suid_dumpable; else echo sysctl.fs.suid_dumpable=absent; fi; [ -w /proc/sys/fs/suid_dumpable ] || echo readonly.fs.suid_dumpable
if [ -r /proc/sys/fs/protected_hardlinks ]; then set -- "$@" /proc/sys/fs/protected_hardlinks; else echo sysctl.fs.protected_hardlinks=absent; fi; [ -w /proc/sys/fs/protected_hardlinks ] || echo readonly.fs.protected_hardlinks
if [ -r /proc/sys/fs/protected_symlinks ]; then set -- "$@" /proc/sys/fs/protected_symlinks; else echo sysctl.fs.protected_symlinks=absent; fi; [ -w /proc/sys/fs/protected_symlinks ] || echo readonly.fs.protected_symlinks
if [ -r /proc/sys/kernel/kptr_restrict ]; then set -- "$@" /proc/sys/kernel/kptr_restrict; else echo sysctl.kernel.kptr_restrict=absent; fi; [ -w /proc/sys/kernel/kptr_restrict ] || echo readonly.kernel.kptr_restrict
if [ -r /proc/sys/kernel/dmesg_restrict ]; then set -- "$@" /proc/sys/kernel/dmesg_restrict; else echo sysctl.kernel.dmesg_restrict=absent; fi; [ -w /proc/sys/kernel/dmesg_restrict ] || echo readonly.kernel.dmesg_restrict
if [ -r /proc/sys/kernel/sysrq ]; then set -- "$@" /proc/sys/kernel/sysrq; else echo sysctl.kernel.sysrq=absent; fi; [ -w /proc/sys/kernel/sysrq ] || echo readonly.kernel.sysrq
if [ -r /proc/sys/net/ipv4/tcp_rfc1337 ]; then set -- "$@" /proc/sys/net/ipv4/tcp_rfc1337; else echo sysctl.net.ipv4.tcp_rfc1337=absent; fi; [ -w /proc/sys/net/ipv4/tcp_rfc1337 ] || echo readonly.net.ipv4.tcp_rfc1337
[ "$#" -eq 0 ] || LC_ALL=C awk 'FNR == 1 { k = substr(FILENAME, 11); gsub("/", ".", k); gsub("\t", " "); print "sysctl." k "=" $0 }' "$@"
if [ -r /etc/ssh/moduli ]; then echo "moduli.weak=$(awk '$5 < 2047 && $5 ~ /^[0-9]+$/' /etc/ssh/moduli | wc -l)"; fi
pid=$(systemctl show -p MainPID --value etcd.service 2>/dev/null)
if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -r /proc/$pid/cmdline ]; then
  tr '\0' '\n' < /proc/$pid/cmdline | sed -n 's/^--\([^=]*\)=\(.*\)$/etcd.\1=\2/p'
  echo "version.etcd=$(/proc/$pid/exe --version 2>/dev/null | sed -n 's/^etcd Version: //p' | head -1)"
fi
echo "version.openssh=$(PATH="$PATH:/usr/sbin:/sbin" sshd -V 2>&1 | grep -m1 -o 'OpenSSH_[0-9][0-9.]*' || :)"
echo "os.codename=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")"
dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' openssh-server openssh-client containerd containerd.io runc etcd-server kubelet kubeadm 2>/dev/null |
  awk '$1 == "ii" { print "dpkg." $2 "=" $3 }'
if nft -n -s list table inet bulwark 2>/dev/null | sha256sum | cmp -s - /var/lib/bulwark/firewall.loaded; then
  echo "nft.bulwark=$(nft list table inet bulwark 2>/dev/null | sed -n 's/.*comment "\(bulwark [0-9a-f]*\)".*/\1/p' | head -1)"
else
  echo "nft.bulwark=$(nft list table inet bulwark >/dev/null 2>&1 && echo changed since Bulwark loaded it)"
fi
( { for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
  for f in "$d"/*.conf; do [ -e "$f" ] && printf '%s/%s\n' "${f##*/}" "$f"; done
done | LC_ALL=C sort -t/ -k1,1 -s -u | cut -d/ -f2- | {
  seen=; while IFS= read -r f; do printf '%s\n' "$f"; [ "$f" -ef /etc/sysctl.conf ] && seen=1; done
  [ -n "$seen" ] || [ ! -f /etc/sysctl.conf ] || printf '%s\n' /etc/sysctl.conf; }; } | LC_ALL=C awk -v keys='net.ipv4.ip_forward net.ipv4.conf.all.send_redirects net.ipv4.conf.default.send_redirects net.ipv4.icmp_ignore_bogus_error_responses net.ipv4.icmp_echo_ignore_broadcasts net.ipv4.conf.all.accept_redirects net.ipv4.conf.default.accept_redirects net.ipv6.conf.all.accept_redirects net.ipv6.conf.default.accept_redirects net.ipv4.conf.all.secure_redirects net.ipv4.conf.default.secure_redirects net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.conf.all.accept_source_route net.ipv4.conf.default.accept_source_route net.ipv6.conf.all.accept_source_route net.ipv4.conf.all.log_martians net.ipv4.conf.default.log_martians net.ipv4.tcp_syncookies net.ipv6.conf.all.accept_ra net.ipv6.conf.default.accept_ra kernel.randomize_va_space kernel.yama.ptrace_scope fs.suid_dumpable fs.protected_hardlinks fs.protected_symlinks kernel.kptr_restrict kernel.dmesg_restrict kernel.sysrq net.ipv4.tcp_rfc1337' 'function parse(line,   e, s) {
  sub(/^[ \t]+/, "", line)
  if (line == "" || line ~ /^[#;]/) return 0
  e = index(line, "="); if (e == 0) return 0
  K = substr(line, 1, e - 1); V = substr(line, e + 1)
  sub(/[ \t]+$/, "", K); sub(/^-[ \t]*/, "", K); gsub(/^[ \t]+|[ \t]+$/, "", V); gsub(/[ \t]+/, " ", V)
  s = match(K, /[.\/]/); if (s && substr(K, s, 1) == "/") gsub(/\//, ".", K)
  return K ~ /[*?[]/ ? 2 : 1
}
function glob(g) { gsub(/[.]/, "[.]", g); gsub(/[*]/, ".*", g); gsub(/[?]/, ".", g); return "^" g "$" }
function wants(list,   n, i, e, w) { n = split(list, w, " "); for (i = 1; i <= n; i++) { e = index(w[i], "="); W[substr(w[i], 1, e - 1)] = substr(w[i], e + 1) } }
BEGIN { n = split(keys, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1 }
{
  f = $0
  while ((getline line < f) > 0) {
    t = parse(line)
    if (t == 1 && (K in want)) {
      if ((K in from) && from[K] != f) over[K] = over[K] " " from[K]
      val[K] = V; from[K] = f
    } else if (t == 2) {
      for (k in want) if (k ~ glob(K)) { gval[k] = V; gfrom[k] = f }
    }
  }
  close(f)
}
END {
  for (i = 1; i <= n; i++) {
    k = w[i]
    if (k in val) { v = val[k]; f = from[k] } else if (k in gval) { v = gval[k]; f = gfrom[k] } else { v = "unset"; f = "" }
    print "sysctlboot." k "=" v; print "sysctlfrom." k "=" f
    if (k in over) print "sysctlover." k "=" substr(over[k], 2)
  }
}'
) 2>/dev/null
( drop=$(for f in /etc/ssh/sshd_config.d/*.conf; do [ -e "$f" ] && printf '%s\n' "$f"; done)
LC_ALL=C awk -v keys='ciphers clientaliveinterval clientalivecountmax disableforwarding gssapiauthentication hostbasedauthentication ignorerhosts kexalgorithms logingracetime loglevel macs maxauthtries maxsessions maxstartups permitemptypasswords permitrootlogin permituserenvironment usepam passwordauthentication kbdinteractiveauthentication pubkeyauthentication strictmodes compression tcpkeepalive hostkeyalgorithms persourcepenalties' -v drop="$drop" -v main=/etc/ssh/sshd_config 'function walk(f,   line, k, kw, v, ln, i, n, d) {
  if (stop && f == mine) { done = 1; return }
  ln = 0
  while (!done && (getline line < f) > 0) {
    ln++; sub(/^[ \t]+/, "", line)
    if (line == "" || line ~ /^#/) continue
    kw = line; sub(/[ \t=].*/, "", kw); k = tolower(kw)
    if (k == "match") break
    if (k == "include") {
      if (!included) {
        included = 1; n = split(drop, d, "\n")
        for (i = 1; i <= n && !done; i++) if (d[i] != "") { if (stop && d[i] >= mine) done = 1; else walk(d[i]) }
      }
      continue
    }
    v = substr(line, length(kw) + 1); sub(/^[ \t]*=?[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
    if (k in want) seen(f, ln, kw, k, v)
  }
  close(f)
}
function seen(f, ln, kw, k, v) { if (!(k in from)) from[k] = f }
BEGIN {
  n = split(keys, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1
  walk(main)
  for (i = 1; i <= n; i++) if (w[i] in from) print "sshdfrom." w[i] "=" from[w[i]]
}' </dev/null
) 2>/dev/null
for u in debug-shell.service bulwark-firewall.service; do
  echo "unit.$u=$(systemctl is-enabled "$u" 2>/dev/null)"; echo "unitactive.$u=$(systemctl is-active "$u" 2>/dev/null)"
done
exit 0
