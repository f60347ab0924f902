out=$(/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf diff --server-side --force-conflicts -f /etc/kubernetes/bulwark/network-policies.yaml); s=$?
[ "$s" -eq 0 ] && exit 0
if [ "$s" -eq 1 ]; then printf '%s: %s objects differ from the cluster\n' /etc/kubernetes/bulwark/network-policies.yaml "$(printf '%s\n' "$out" | grep -c '^diff ')"
else printf '%s: kubectl diff failed (exit %s)\n' /etc/kubernetes/bulwark/network-policies.yaml "$s"; fi
exit 1
