! /usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf get node worker-dc1-1 >/dev/null 2>&1
