#!/usr/bin/env python3
"""Writes an inventory with N hosts: 5 etcd members, 3 control planes, 2 lb hosts, the rest workers,
spread over three sites, with the CNI, the VIP's interface and the artifact directories the hybrid
sample has. Used by bench/plan-scale/run.sh."""
import datetime
import os
import sys

# The repository's artifact cache, where `bulwark lab artifacts` puts etcd (the plan reads the
# directory's binaries' digests); absolute, so the inventory can be written anywhere.
CACHE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "cache", "artifacts"))

# etcd 3.5.1 has a known vulnerability that refuses a plan (docs/security.md); the inventory is
# synthetic and never applied, so it waives it until tomorrow.
WAIVED = ["GHSA-gmph-wf7j-9gcm"]  # etcd 3.5.1 (CVE-2021-28235)

def main(n, path):
    sites = [("dc1", "onprem", 10), ("dc2", "onprem", 20), ("aws-1", "aws", 30)]
    out = [
        "apiVersion: bulwark.dev/v1alpha1", "kind: Cluster", "metadata:", f"  name: scale-{n}", "spec:",
        "  versions: {kubernetes: 1.36.4, etcd: 3.5.1, containerd: 2.1.9}",
        "  endpoint: {mode: vip, address: 10.10.0.100, carriers: lb, interface: eth0}",
        "  kubernetes:",
        "    cni: {plugin: calico, version: 3.28.2}",
        "  artifacts:",
        f"    etcd: {{file: \"{CACHE}/etcd/v{{version}}\"}}",
        f"    kubernetes: {{file: \"{CACHE}/kubernetes/v{{version}}\"}}",
        f"    containerd: {{file: \"{CACHE}/containerd/v{{version}}\"}}",
        f"    cni: {{file: \"{CACHE}/cni/calico-v{{version}}.yaml\"}}",
        "  ssh: {hostKeyPolicy: accept-new}",
        "  security:", "    vulnerabilities:", "      waivers:",
    ]
    tomorrow = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=1)).isoformat()
    out += [f"        - {{id: {w}, reason: \"bench: a synthetic inventory, only planned offline\", expires: {tomorrow}}}" for w in WAIVED]
    out += [
        "  sites:",
    ]
    for name, kind, octet in sites:
        out.append(f"    - {{name: {name}, kind: {kind}, cidr: 10.{octet}.0.0/16}}")
    out.append("  hosts:")
    roles = ["etcd"] * 5 + ["control-plane"] * 3 + ["lb"] * 2
    for i in range(n):
        role = roles[i] if i < len(roles) else "worker"
        site = sites[i % 3] if role != "lb" else sites[0]
        address = f"10.{site[2]}.{(i // 250) + 1}.{(i % 250) + 1}"
        out.append(f"    - name: {role.replace('-', '')}-{i}")
        out.append(f"      address: {address}")
        out.append(f"      site: {site[0]}")
        out.append(f"      roles: [{role}]")
        if role == "worker":
            out.append(f"      labels: {{topology.kubernetes.io/zone: {site[0]}}}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")

if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
