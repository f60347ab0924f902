n=$(( $(wc -l < /proc/swaps) - 1 )); f=$(grep -cE '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab 2>/dev/null)
[ "$n" -le 0 ] && [ "${f:-0}" -eq 0 ] && exit 0
printf 'swap: %s active, %s in /etc/fstab; wants none\n' "$n" "${f:-0}"; exit 1
