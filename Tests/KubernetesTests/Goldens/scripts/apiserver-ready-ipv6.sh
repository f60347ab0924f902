/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf '--server=https://[fd00::11]:6443' get --raw=/readyz
