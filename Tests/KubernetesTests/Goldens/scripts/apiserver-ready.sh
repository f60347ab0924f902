/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf --server=https://10.10.1.11:6443 get --raw=/readyz
