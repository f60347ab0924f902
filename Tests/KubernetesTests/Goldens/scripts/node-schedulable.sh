[ "$(/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf get node worker-dc1-1 -o jsonpath='{.spec.unschedulable}')" != true ] && exit 0
printf 'node %s is cordoned\n' worker-dc1-1; exit 1
