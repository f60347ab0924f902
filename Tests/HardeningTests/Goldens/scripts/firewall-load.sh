nft -f /etc/bulwark/firewall.nft && nft -n -s list table inet bulwark | sha256sum > /var/lib/bulwark/firewall.loaded
