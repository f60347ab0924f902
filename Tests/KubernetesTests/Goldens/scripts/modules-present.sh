m=""; grep -qw overlay /proc/filesystems || m=overlay
test -d /proc/sys/net/bridge || m="$m${m:+, }br_netfilter"
[ -z "$m" ] && exit 0
printf 'kernel modules not loaded: %s\n' "$m"; exit 1
