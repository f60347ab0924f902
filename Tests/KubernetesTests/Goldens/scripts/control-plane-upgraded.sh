/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf version -o json | grep -q '"gitVersion": "v1.31.2"' && grep -q kube-apiserver:v1.31.2 /etc/kubernetes/manifests/kube-apiserver.yaml && exit 0
a=$(/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf version -o json 2>/dev/null | grep -o '"gitVersion": "[^"]*"' | tail -1 | cut -d'"' -f4)
m=$(grep -o 'kube-apiserver:[^"[:space:]]*' /etc/kubernetes/manifests/kube-apiserver.yaml 2>/dev/null | head -1)
printf 'the apiserver answers %s and its manifest names %s; wants %s\n' "${a:-nothing}" "${m:-no image}" v1.31.2; exit 1
