command -v containerd >/dev/null && exit 0; echo 'containerd is not installed'; exit 1
