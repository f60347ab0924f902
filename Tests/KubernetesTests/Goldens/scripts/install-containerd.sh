DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends containerd
