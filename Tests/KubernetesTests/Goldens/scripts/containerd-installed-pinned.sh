dpkg-query -W -f='${Version}' containerd 2>/dev/null | grep -q '^1.7.22'
