when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{ for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
  for f in "$d"/*.conf; do [ -e "$f" ] && printf '%s/%s\n' "${f##*/}" "$f"; done
done | LC_ALL=C sort -t/ -k1,1 -s -u | cut -d/ -f2- | {
  seen=; while IFS= read -r f; do printf '%s\n' "$f"; [ "$f" -ef /etc/sysctl.conf ] && seen=1; done
  [ -n "$seen" ] || [ ! -f /etc/sysctl.conf ] || printf '%s\n' /etc/sysctl.conf; }; } | LC_ALL=C awk -v want='net.ipv4.conf.all.send_redirects=0 net.ipv4.tcp_syncookies=1' -v mine=90-bulwark-hardening.conf -v conf=/etc/sysctl.conf 'function parse(line,   e, s) {
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
BEGIN { wants(want) }
{
  f = $0; b = f; sub(/.*\//, "", b)
  if (f != conf && b <= mine) next
  while ((getline line < f) > 0) if (parse(line) == 1 && (K in W) && V != W[K]) printf "%s\t%s\t%s\t%s\n", f, K, V, W[K]
  close(f)
}' | cut -f1 | uniq | while IFS= read -r f; do
  t=$(readlink -f -- "$f")
  case $t in /etc/*) ;; *) t=/etc/sysctl.d/${f##*/} ;; esac
  if [ -e "$t" ] && [ ! -e "$t.bulwark-disabled" ]; then cp -p -- "$t" "$t.bulwark-disabled" || exit 1; fi
  LC_ALL=C awk -v want='net.ipv4.conf.all.send_redirects=0 net.ipv4.tcp_syncookies=1' -v mine=/etc/sysctl.d/90-bulwark-hardening.conf -v when="$when" -v src="$f" -v dst="$t" 'function parse(line,   e, s) {
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
BEGIN {
  wants(want)
  print "# Bulwark, " when ": the lines marked bulwark-disabled set kernel parameters against Bulwark'\''s hardening (" mine ")."
  if (src != dst) print "# This file masks " src ", of which it is a copy."
  else print "# The file as it was is " dst ".bulwark-disabled."
}
{ if (parse($0) == 1 && (K in W) && V != W[K]) print "# bulwark-disabled: " $0; else print }' "$f" >"$t.bulwark-new" &&
    chmod 0644 "$t.bulwark-new" && mv -f -- "$t.bulwark-new" "$t" || exit 1
done
