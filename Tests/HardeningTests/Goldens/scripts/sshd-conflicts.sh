drop=$(for f in /etc/ssh/sshd_config.d/*.conf; do [ -e "$f" ] && printf '%s\n' "$f"; done)
found=$(LC_ALL=C awk -v wanted='permitrootlogin=no passwordauthentication=no' -v drop="$drop" -v main=/etc/ssh/sshd_config -v mine=/etc/ssh/sshd_config.d/00-bulwark-hardening.conf -v stop=1 'function walk(f,   line, k, kw, v, ln, i, n, d) {
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
function seen(f, ln, kw, k, v) { if (tolower(v) != tolower(want[k])) printf "%s\t%d\t%s\t%s\t%s\n", f, ln, kw, v, want[k] }
BEGIN {
  n = split(wanted, w, " "); for (i = 1; i <= n; i++) { e = index(w[i], "="); want[substr(w[i], 1, e - 1)] = substr(w[i], e + 1) }
  walk(main)
}' </dev/null)
[ -z "$found" ] && exit 0
printf '%s\n' "$found" | awk -F '\t' '{ printf "%s:%s sets %s %s before Bulwark'"'"'s drop-in, Bulwark wants %s\n", $1, $2, $3, $4, $5 }'
exit 1
