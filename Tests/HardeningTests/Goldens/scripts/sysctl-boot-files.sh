for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
  for f in "$d"/*.conf; do [ -e "$f" ] && printf '%s/%s\n' "${f##*/}" "$f"; done
done | LC_ALL=C sort -t/ -k1,1 -s -u | cut -d/ -f2- | {
  seen=; while IFS= read -r f; do printf '%s\n' "$f"; [ "$f" -ef /etc/sysctl.conf ] && seen=1; done
  [ -n "$seen" ] || [ ! -f /etc/sysctl.conf ] || printf '%s\n' /etc/sysctl.conf; }
