/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf -n kube-system get secret kubeadm-certs >/dev/null 2>&1
