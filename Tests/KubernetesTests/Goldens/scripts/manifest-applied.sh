/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf diff --server-side --force-conflicts -f /etc/kubernetes/bulwark/network-policies.yaml >/dev/null
