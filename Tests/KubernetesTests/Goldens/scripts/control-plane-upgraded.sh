/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf version -o json | grep -q '"gitVersion": "v1.31.2"' && grep -q kube-apiserver:v1.31.2 /etc/kubernetes/manifests/kube-apiserver.yaml
