/usr/local/bin/kubeadm token list --kubeconfig=/etc/kubernetes/admin.conf | grep -qF "$(cat /etc/kubernetes/bulwark/token)" && exit 0
echo 'kubeadm does not list the bootstrap token (expired, or not made yet)'; exit 1
