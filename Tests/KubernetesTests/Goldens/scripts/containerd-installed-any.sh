command -v containerd >/dev/null
