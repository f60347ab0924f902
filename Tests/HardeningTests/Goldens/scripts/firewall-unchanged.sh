nft -n -s list table inet bulwark 2>/dev/null | sha256sum | cmp -s - /var/lib/bulwark/firewall.loaded
