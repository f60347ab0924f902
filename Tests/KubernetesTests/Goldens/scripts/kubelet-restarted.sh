systemctl is-active --quiet kubelet.service || { echo 'kubelet.service is not active'; exit 1; }
pid=$(systemctl show -p MainPID --value kubelet.service)
exe=$(readlink "/proc/$pid/exe")
[ "$exe" = /usr/local/bin/kubelet ] && exit 0
printf 'the kubelet runs %s, wants %s as now in place\n' "${exe:-an unknown binary}" /usr/local/bin/kubelet; exit 1
