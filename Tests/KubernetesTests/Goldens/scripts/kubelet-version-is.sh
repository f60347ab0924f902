[ "$(/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf get node worker-dc1-1 -o jsonpath='{.status.nodeInfo.kubeletVersion}')" = v1.31.2 ]
