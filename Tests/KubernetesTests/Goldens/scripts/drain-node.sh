/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf drain worker-dc1-1 --ignore-daemonsets --delete-emptydir-data --timeout=300s
