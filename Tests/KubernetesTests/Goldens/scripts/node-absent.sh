/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf get node worker-dc1-1 >/dev/null 2>&1 || exit 0
printf 'node %s is still in the cluster\n' worker-dc1-1; exit 1
