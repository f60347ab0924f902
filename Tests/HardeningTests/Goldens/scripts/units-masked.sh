bad=0
for u in debug-shell.service; do
  s=$(systemctl is-enabled "$u" 2>/dev/null)
  [ "$s" = masked ] && continue
  printf '%s is %s at boot (%s now), wants masked\n' "$u" "${s:-not installed}" "$(systemctl is-active "$u" 2>/dev/null)"; bad=1
done
exit $bad
