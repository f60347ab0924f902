systemctl is-enabled --quiet kubelet.service && [ "$(systemctl show -p NeedDaemonReload --value kubelet.service)" = no ]
