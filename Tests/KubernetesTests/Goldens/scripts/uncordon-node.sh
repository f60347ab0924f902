/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf uncordon worker-dc1-1
