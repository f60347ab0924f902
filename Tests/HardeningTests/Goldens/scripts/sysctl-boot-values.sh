{ for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
  for f in "$d"/*.conf; do [ -e "$f" ] && printf '%s/%s\n' "${f##*/}" "$f"; done
done | LC_ALL=C sort -t/ -k1,1 -s -u | cut -d/ -f2- | {
  seen=; while IFS= read -r f; do printf '%s\n' "$f"; [ "$f" -ef /etc/sysctl.conf ] && seen=1; done
  [ -n "$seen" ] || [ ! -f /etc/sysctl.conf ] || printf '%s\n' /etc/sysctl.conf; }; } | LC_ALL=C awk -v keys='net.ipv4.conf.all.send_redirects net.ipv4.tcp_syncookies' 'function parse(line,   e, s) {
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
