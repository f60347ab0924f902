[ "$(awk '$1 == "server:" { print $2 }' /etc/kubernetes/kubelet.conf | sort -u)" = https://k8s-api.aws.example.com:6443 ]
