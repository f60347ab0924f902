/usr/local/bin/kubeadm token create "$(cat /etc/kubernetes/bulwark/token)" --ttl 2h --kubeconfig=/etc/kubernetes/admin.conf >/dev/null
