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
when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
files=$(printf '%s\n' "$found" | cut -f1 | uniq)
undo() { printf '%s\n' "$files" | while IFS= read -r f; do [ ! -e "$f.bulwark-undo" ] || mv -f -- "$f.bulwark-undo" "$f"; done; exit 1; }
printf '%s\n' "$files" | while IFS= read -r f; do
  lines=$(printf '%s\n' "$found" | awk -F '\t' -v f="$f" '$1 == f { printf "%s ", $2 }')
  cp -p -- "$f" "$f.bulwark-undo" || exit 1
  [ -e "$f.bulwark-disabled" ] || cp -p -- "$f" "$f.bulwark-disabled" || exit 1
  cp -p -- "$f" "$f.bulwark-new" && LC_ALL=C awk -v lines="$lines" -v when="$when" -v mine=/etc/ssh/sshd_config.d/00-bulwark-hardening.conf -v dst="$f" 'BEGIN { n = split(lines, l, " "); for (i = 1; i <= n; i++) off[l[i]] = 1
  print "# Bulwark, " when ": the lines marked bulwark-disabled set sshd keywords before Bulwark'\''s drop-in (" mine ")."
  print "# The file as it was is " dst ".bulwark-disabled." }
{ if (FNR in off) print "# bulwark-disabled: " $0; else print }' "$f" >"$f.bulwark-new" &&
    mv -f -- "$f.bulwark-new" "$f" || exit 1
done || undo
sshd -t >/dev/null || undo
printf '%s\n' "$files" | while IFS= read -r f; do rm -f -- "$f.bulwark-undo"; done
systemctl reload ssh.service
