/usr/local/bin/kubelet --version | grep -q 'v1.31.2$'
