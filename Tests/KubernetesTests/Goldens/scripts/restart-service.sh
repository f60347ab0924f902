systemctl unmask --quiet containerd && systemctl enable --quiet containerd && systemctl restart containerd && cat /etc/containerd/config.toml | sha256sum > /var/lib/bulwark/containerd.applied
