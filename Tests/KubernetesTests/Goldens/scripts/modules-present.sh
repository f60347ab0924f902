grep -qw overlay /proc/filesystems && test -d /proc/sys/net/bridge
