/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf apply --server-side --force-conflicts -f /etc/kubernetes/bulwark/network-policies.yaml
