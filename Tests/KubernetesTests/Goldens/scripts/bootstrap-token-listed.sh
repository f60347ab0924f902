/usr/local/bin/kubeadm token list --kubeconfig=/etc/kubernetes/admin.conf | grep -qF "$(cat /etc/kubernetes/bulwark/token)"
