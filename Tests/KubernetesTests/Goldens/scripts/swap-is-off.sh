[ "$(wc -l < /proc/swaps)" -le 1 ] && ! grep -qE '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab
