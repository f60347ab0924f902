systemctl is-active --quiet kubelet.service && [ "$(readlink /proc/$(systemctl show -p MainPID --value kubelet.service)/exe)" = /usr/local/bin/kubelet ]
