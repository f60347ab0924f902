v=$(containerd --version 2>/dev/null | awk '{print $3}'); v=${v#*:}; v=${v#v}; v=${v%%[~+-]*}; [ "$v" = 1.7.22 ]
