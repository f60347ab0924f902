command -v conntrack >/dev/null && command -v ip >/dev/null && command -v iptables >/dev/null && command -v mount >/dev/null && command -v nsenter >/dev/null
