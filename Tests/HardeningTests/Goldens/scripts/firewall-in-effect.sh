nft list table inet bulwark | grep -qF 'bulwark 0011223344556677' && nft -n -s list table inet bulwark 2>/dev/null | sha256sum | cmp -s - /var/lib/bulwark/firewall.loaded
