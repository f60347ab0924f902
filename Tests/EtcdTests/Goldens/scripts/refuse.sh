printf '%s\n' 'refusing to change etcd membership: it'\''s a test' >&2
exit 1
