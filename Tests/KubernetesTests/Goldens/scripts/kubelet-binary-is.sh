v=$(/usr/local/bin/kubelet --version 2>/dev/null)
printf '%s\n' "$v" | grep -q 'v1.31.2$' && exit 0
printf 'the kubelet in place is %s, wants %s\n' "${v:-absent}" v1.31.2; exit 1
