want=2.1.9; pick=''; offered=''
for c in $(apt-cache madison containerd 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'); do
  offered="$offered $c"; u=${c#*:}; u=${u%%[~+-]*}
  [ "$u" = "$want" ] && [ -z "$pick" ] && pick=$c
done
if [ -z "$pick" ]; then
  echo 'worker-dc1-1: containerd 2.1.9 is wanted, but the package repositories offer:'"${offered:- nothing}"'; put its .deb packages in the artifact cache (spec.artifacts.containerd) or change spec.versions.containerd' >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "containerd=$pick"
