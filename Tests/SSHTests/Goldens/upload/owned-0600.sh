set -e
case $1 in */*) dir=${1%/*} ;; *) dir=. ;; esac
tmp=$dir/.bulwark-upload.$$
trap 'rm -f -- "$tmp"' EXIT
umask 177
if [ -e "$tmp" ] || [ -h "$tmp" ]; then
  tmp=$(mktemp "$dir/.bulwark-upload.XXXXXX")
  cat > "$tmp"
  chmod "$3" "$tmp"
else
  set -C
  cat > "$tmp"
  set +C
fi
sum=$(openssl dgst -sha256 -r < "$tmp" 2>/dev/null) || sum=$(sha256sum < "$tmp")
[ "${sum%% *}" = "$2" ] || { echo "sha256 mismatch after upload" >&2; exit 65; }
chown "$4" "$tmp"
mv -f -- "$tmp" "$1"
trap - EXIT
