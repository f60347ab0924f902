systemctl daemon-reload && systemctl enable --quiet kubelet.service
