[ -f /etc/kubernetes/admin.conf ] && [ -x /usr/local/bin/kubectl ] || { echo none; exit 0; }
v=$(/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf --request-timeout=10s version -o json 2>/dev/null | sed -n '/serverVersion/,/}/s/.*"gitVersion": *"\([^"]*\)".*/\1/p' | head -1)
[ -n "$v" ] || { echo none; exit 0; }
printf 'server %s\n' "$v"
nodes=$(/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf --request-timeout=10s get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.nodeInfo.kubeletVersion}{"\n"}{end}') || exit
printf '%s\n' "$nodes" | while read -r name version extra; do
  [ -n "$name" ] || continue
  case "$name" in
    *[!a-z0-9.-]* | [.-]* | *[.-]) echo "bulwark: refusing a node name that is not DNS-1123" >&2; exit 3 ;;
  esac
  [ "${#name}" -le 253 ] || { echo "bulwark: refusing a node name longer than 253" >&2; exit 3; }
  case "$version" in
    '' | v[0-9]*) ;;
    *) echo "bulwark: refusing a node line whose version is not vX.Y.Z" >&2; exit 3 ;;
  esac
  [ -z "$extra" ] || { echo "bulwark: refusing a node line with more than a name and a version" >&2; exit 3; }
  printf 'node %s %s\n' "$name" "$version"
done
