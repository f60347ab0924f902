drop=$(for f in /etc/ssh/sshd_config.d/*.conf; do [ -e "$f" ] && printf '%s\n' "$f"; done)
LC_ALL=C awk -v keys='permitrootlogin passwordauthentication' -v drop="$drop" -v main=/etc/ssh/sshd_config 'function walk(f,   line, k, kw, v, ln, i, n, d) {
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
