DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends conntrack iproute2 iptables mount util-linux
