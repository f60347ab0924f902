v=$(dpkg-query -W -f='${Version}' containerd 2>/dev/null)
case "$v" in 1.7.22*) exit 0 ;; "") echo 'containerd is not installed' ;; *) printf 'containerd %s is installed, wants %s\n' "$v" 1.7.22 ;; esac
exit 1
