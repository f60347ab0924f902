systemctl mask --now --quiet debug-shell.service
