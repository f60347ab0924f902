for b in conntrack ip iptables mount nsenter ebtables ethtool socat tc touch; do if command -v "$b" >/dev/null 2>&1; then echo "preflight bin $b yes"; else echo "preflight bin $b no"; fi; done
echo "preflight cpus $(nproc 2>/dev/null || echo 0)"
v=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo); echo "preflight mem-kib ${v:-unknown}"
v=$(wc -l < /proc/swaps 2>/dev/null); echo "preflight swaps $((${v:-1} - 1))"
v=$(stat -fc %T /sys/fs/cgroup/ 2>/dev/null | tr -c 'A-Za-z0-9._\n-' '_'); echo "preflight cgroup ${v:-unknown}"
if grep -qw overlay /proc/filesystems; then echo 'preflight module overlay yes'; else echo 'preflight module overlay no'; fi
if [ -d /proc/sys/net/bridge ]; then echo 'preflight module br_netfilter yes'; else echo 'preflight module br_netfilter no'; fi
v=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null | tr -c 'A-Za-z0-9._\n-' '_'); echo "preflight sysctl net.ipv4.ip_forward ${v:-absent}"
for p in 10250; do
  hex=$(printf '%04X' "$p")
  if awk -v p="$hex" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == p) f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
    who=$(ss -Htlnp "sport = :$p" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)".*/\1/p' | head -1 | tr -c 'A-Za-z0-9._\n-' '_')
    echo "preflight port $p ${who:-unknown}"
  else echo "preflight port $p free"; fi
done
v=$(hostname 2>/dev/null | tr -c 'A-Za-z0-9._\n-' '_'); echo "preflight hostname ${v:-unknown}"
if getent hosts worker-dc1-1 >/dev/null 2>&1; then echo 'preflight resolves yes'; else echo 'preflight resolves no'; fi
if [ -S /run/containerd/containerd.sock ]; then echo 'preflight socket yes'; else echo 'preflight socket no'; fi
