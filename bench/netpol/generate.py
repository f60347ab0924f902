#!/usr/bin/env python3
"""Writes a synthetic cluster for bench/netpol: WORKLOADS workloads in NAMESPACES namespaces and
0.5 NetworkPolicies per workload, as one multi-document YAML stream on stdout. Seeded, so a size
always gives the same bytes.

Each namespace gets a default deny (ingress and egress), DNS egress plus egress to the cluster's service ports, and allow policies between
tiers, from other teams' namespaces, and to external blocks, like a real least-privilege cluster.
"""
import random
import sys


def main():
    workloads = int(sys.argv[1])
    namespaces = int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 17
    rng = random.Random(seed)
    kinds = ["Deployment", "StatefulSet", "DaemonSet"]
    tiers = ["web", "api", "db", "cache", "worker"]
    teams = ["red", "blue", "green", "gold"]
    out = sys.stdout
    per_ns = [workloads // namespaces + (1 if i < workloads % namespaces else 0) for i in range(namespaces)]
    policies_left = workloads // 2
    for n in range(namespaces):
        ns = f"ns{n:03d}"
        team = teams[n % len(teams)]
        out.write(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{team: {team}}}\n")
        for w in range(per_ns[n]):
            tier = tiers[rng.randrange(len(tiers))]
            port = 8000 + rng.randrange(100)
            out.write(
                f"---\napiVersion: apps/v1\nkind: {kinds[w % 3]}\nmetadata: {{name: app{w:03d}, namespace: {ns}}}\n"
                f"spec:\n  template:\n    metadata:\n      labels: {{app: app{w:03d}, tier: {tier}}}\n"
                f"    spec:\n      containers:\n      - name: main\n"
                f"        ports: [{{name: http, containerPort: {port}}}, {{name: metrics, containerPort: 9090}}]\n")
        # About 0.5 policies per workload in all: two fixed ones, the rest allows.
        budget = max(2, round(per_ns[n] / 2))
        budget = min(budget, policies_left) if n == namespaces - 1 else budget
        policies_left -= budget
        out.write(f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: default-deny, namespace: {ns}}}\n"
                  "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n")
        out.write(f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: dns, namespace: {ns}}}\n"
                  "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
                  "  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]\n"
                  "    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]\n"
                  "  - to: [{namespaceSelector: {}}]\n"
                  "    ports: [{port: 8000, endPort: 8099}, {port: 9090}]\n")
        for p in range(budget - 2):
            dst, src = rng.sample(tiers, 2)
            choice = rng.randrange(3)
            out.write(f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: allow-{p}, namespace: {ns}}}\n"
                      f"spec:\n  podSelector: {{matchLabels: {{tier: {dst}}}}}\n"
                      f"  policyTypes: [{'Ingress, Egress' if choice == 2 else 'Ingress'}]\n")
            if choice == 0:
                out.write(f"  ingress:\n  - from: [{{podSelector: {{matchLabels: {{tier: {src}}}}}}}]\n    ports: [{{port: http}}]\n")
            elif choice == 1:
                other = teams[rng.randrange(len(teams))]
                out.write(f"  ingress:\n  - from:\n    - namespaceSelector: {{matchLabels: {{team: {other}}}}}\n"
                          f"      podSelector: {{matchExpressions: [{{key: tier, operator: In, values: [{src}, web]}}]}}\n"
                          f"    ports: [{{port: 9090}}, {{port: 8000, endPort: 8050}}]\n")
            else:
                octet = rng.randrange(256)
                out.write(f"  ingress:\n  - from: [{{ipBlock: {{cidr: 10.{octet}.0.0/16, except: [10.{octet}.1.0/24]}}}}]\n"
                          f"  egress:\n  - to: [{{podSelector: {{matchLabels: {{tier: {src}}}}}}}]\n    ports: [{{port: http}}]\n")


if __name__ == "__main__":
    main()
