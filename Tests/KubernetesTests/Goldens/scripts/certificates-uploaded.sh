/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf -n kube-system get secret kubeadm-certs >/dev/null 2>&1 && exit 0
echo 'secret kube-system/kubeadm-certs is absent (deleted after 2 h, or not uploaded yet)'; exit 1
