# Writes Sources/Advisories/Resources/advisories.json. Review the facts here like code: every record
# names its sources in `references`.
import json
FEED = "https://github.com/kubernetes-sigs/cve-feed-osv/blob/main/vulns/"
def ev(*pairs):
    out = []
    for kind, v in pairs:
        out.append({kind: v})
    return out
def R(*pairs): return [{"type": "SEMVER", "events": ev(*pairs)}]
def adv(id, summary, level, comps, ranges, score=None, vector=None, aliases=(), conditions=(), refs=(), debian=(), published=None, notes=None):
    flat = []
    for r in ranges:
        flat += r if isinstance(r, list) else [r]
    ranges = flat
    a = {"id": id, "aliases": list(aliases), "summary": summary,
         "severity": {"level": level, **({"score": score} if score is not None else {}), **({"vector": vector} if vector else {})},
         "affected": [{"components": comps, "ranges": ranges, "conditions": list(conditions)}],
         "debianFixes": [{"release": r, "package": p, "fixedVersion": f} for r, p, f in debian],
         "references": list(refs)}
    if published: a["published"] = published
    if notes: a["notes"] = notes
    return a
I, F, L = "introduced", "fixed", "last_affected"
A = []
A.append(adv("CVE-2018-1002105", "proxied upgrade requests in kube-apiserver can leave backend connections open for arbitrary requests", "critical",
  ["kube-apiserver"], [R((I,"1.0.0"),(F,"1.10.11")), R((I,"1.11.0"),(F,"1.11.5")), R((I,"1.12.0"),(F,"1.12.3"))],
  9.8, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", published="2018-11-26",
  refs=["https://github.com/kubernetes/kubernetes/issues/71411", "https://github.com/kubernetes-sigs/cve-feed-osv/blob/main/k8s/cves/CVE-2018-1002105.json"]))
A.append(adv("CVE-2019-11253", "kube-apiserver JSON/YAML parsing vulnerable to resource exhaustion (YAML bomb)", "high",
  ["kube-apiserver"], R((I,"1.0.0"),(F,"1.13.12"),(I,"1.14.0"),(F,"1.14.8"),(I,"1.15.0"),(F,"1.15.5"),(I,"1.16.0"),(F,"1.16.2")),
  vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", published="2019-09-27",
  refs=["https://github.com/kubernetes/kubernetes/issues/83253", FEED+"CVE-2019-11253.json"]))
A.append(adv("CVE-2020-8554", "man in the middle using LoadBalancer or ExternalIPs services; no fix, mitigated by restricting externalIPs", "medium",
  ["kube-apiserver"], R((I,"0"),), 6.3, "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L", conditions=["external-ips-allowed"],
  published="2020-12-04", notes="Unpatched by design; the DenyServiceExternalIPs admission plugin (or a policy restricting spec.externalIPs and status patching) mitigates.",
  refs=["https://github.com/kubernetes/kubernetes/issues/97076", "https://github.com/kubernetes-sigs/cve-feed-osv/blob/main/k8s/cves/CVE-2020-8554.json"]))
A.append(adv("CVE-2020-8558", "kubelet/kube-proxy route_localnet setting lets neighbouring hosts reach services bound to 127.0.0.1", "medium",
  ["kube-proxy", "kubelet"], R((I,"1.1.0"),(F,"1.16.11"),(I,"1.17.0"),(F,"1.17.7"),(I,"1.18.0"),(F,"1.18.4")),
  5.4, "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", published="2020-06-19",
  notes="Ranges from the record's details (1.1.0-1.16.10, 1.17.0-1.17.6, 1.18.0-1.18.3); the record's own events are inconsistent.",
  refs=["https://github.com/kubernetes/kubernetes/issues/92315", "https://github.com/kubernetes-sigs/cve-feed-osv/blob/main/k8s/cves/CVE-2020-8558.json"]))
A.append(adv("CVE-2021-25741", "symlink exchange in subPath volume mounts can allow host filesystem access", "high",
  ["kubelet"], R((I,"0"),(F,"1.19.16"),(I,"1.20.0"),(F,"1.20.11"),(I,"1.21.0"),(F,"1.21.5"),(I,"1.22.0"),(F,"1.22.1")),
  vector="CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", published="2021-09-13",
  refs=["https://github.com/kubernetes/kubernetes/issues/104980", FEED+"CVE-2021-25741.json"]))
A.append(adv("CVE-2022-3172", "aggregated API server can redirect client traffic to any URL (SSRF)", "medium",
  ["kube-apiserver"], R((I,"0"),(L,"1.21.14"),(I,"1.22.0"),(F,"1.22.14"),(I,"1.23.0"),(F,"1.23.11"),(I,"1.24.0"),(F,"1.24.5"),(I,"1.25.0"),(F,"1.25.1")),
  vector="CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:C/C:L/I:L/A:L", published="2022-09-16",
  notes="The 1.21 line got no fix (1.21.14 is the last affected); the feed-derived record lists fixed 1.21.14.",
  refs=["https://github.com/kubernetes/kubernetes/issues/112513", FEED+"CVE-2022-3172.json"]))
A.append(adv("CVE-2023-2431", "kubelet lets pods with an empty localhost seccomp profile run unconfined", "low",
  ["kubelet"], R((I,"0"),(F,"1.24.14"),(I,"1.25.0"),(F,"1.25.10"),(I,"1.26.0"),(F,"1.26.5"),(I,"1.27.0"),(F,"1.27.2")),
  vector="CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N", published="2023-06-15",
  refs=["https://github.com/kubernetes/kubernetes/issues/118690", FEED+"CVE-2023-2431.json"]))
A.append(adv("CVE-2023-2728", "ephemeral containers bypass the ServiceAccount admission plugin's mountable secrets policy", "medium",
  ["kube-apiserver"], R((I,"0"),(F,"1.24.15"),(I,"1.25.0"),(F,"1.25.11"),(I,"1.26.0"),(F,"1.26.6"),(I,"1.27.0"),(F,"1.27.3")),
  vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:N", conditions=["enforce-mountable-secrets"], published="2023-06-13",
  refs=["https://github.com/kubernetes/kubernetes/issues/118640", FEED+"CVE-2023-2728.json"]))
win = R((I,"1.28.0"),(F,"1.28.1"),(I,"1.27.0"),(F,"1.27.5"),(I,"1.26.0"),(F,"1.26.8"),(I,"1.25.0"),(F,"1.25.13"),(I,"1.24.0"),(F,"1.24.17"))
A.append(adv("CVE-2023-3676", "a user who can create pods on Windows nodes may escalate to admin on those nodes", "high",
  ["kubelet"], win, vector="CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", conditions=["windows-nodes"], published="2023-08-23",
  refs=["https://github.com/kubernetes/kubernetes/issues/119339", FEED+"CVE-2023-3676.json"]))
A.append(adv("CVE-2023-3955", "a user who can create pods on Windows nodes may escalate to admin on those nodes", "high",
  ["kubelet"], win, vector="CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", conditions=["windows-nodes"], published="2023-08-23",
  refs=["https://github.com/kubernetes/kubernetes/issues/119595", FEED+"CVE-2023-3955.json"]))
A.append(adv("CVE-2023-5528", "in-tree storage plugin input sanitisation lets pod and PV creators escalate on Windows nodes", "high",
  ["kubelet"], R((I,"1.28.0"),(F,"1.28.4"),(I,"1.27.0"),(F,"1.27.8"),(I,"1.26.0"),(F,"1.26.11"),(I,"1.8.0"),(F,"1.25.16")),
  vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", conditions=["windows-nodes"], published="2023-11-14",
  refs=["https://github.com/kubernetes/kubernetes/issues/121879", "https://github.com/kubernetes-sigs/cve-feed-osv/blob/main/upstream/CVE-2023-5528.json"]))
A.append(adv("CVE-2024-3177", "envFrom bypasses the ServiceAccount admission plugin's mountable secrets policy", "low",
  ["kube-apiserver"], R((I,"0"),(F,"1.27.13"),(I,"1.28.0"),(F,"1.28.9"),(I,"1.29.0"),(F,"1.29.4")),
  vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N", conditions=["enforce-mountable-secrets"], published="2024-04-17",
  refs=["https://github.com/kubernetes/kubernetes/issues/124336", "https://github.com/kubernetes-sigs/cve-feed-osv/blob/main/upstream/CVE-2024-3177.json"]))
A.append(adv("CVE-2024-5321", "incorrect permissions on Windows container logs", "medium",
  ["kubelet"], R((I,"1.27.0"),(F,"1.27.16"),(I,"1.28.0"),(F,"1.28.12"),(I,"1.29.0"),(F,"1.29.7"),(I,"1.30.0"),(F,"1.30.3")),
  vector="CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:N", conditions=["windows-nodes"], published="2024-07-17",
  refs=["https://github.com/kubernetes/kubernetes/issues/126161", FEED+"CVE-2024-5321.json"]))
A.append(adv("CVE-2024-10220", "arbitrary command execution through gitRepo volumes", "high",
  ["kubelet"], R((I,"0"),(F,"1.28.12"),(I,"1.29.0"),(F,"1.29.7"),(I,"1.30.0"),(F,"1.30.3")),
  vector="CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", conditions=["gitrepo-volumes"], published="2024-11-20",
  refs=["https://github.com/kubernetes/kubernetes/issues/128885", FEED+"CVE-2024-10220.json"]))
A.append(adv("CVE-2024-9042", "command injection on Windows nodes via the nodes/*/logs/query API", "medium",
  ["kubelet"], R((I,"1.29.12"),(F,"1.29.13"),(I,"1.30.0"),(F,"1.30.9"),(I,"1.31.0"),(F,"1.31.5"),(I,"1.32.0"),(F,"1.32.1")),
  vector="CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:N", conditions=["windows-nodes"], published="2025-01-15",
  refs=["https://github.com/kubernetes/kubernetes/issues/129654", FEED+"CVE-2024-9042.json"]))
A.append(adv("CVE-2025-0426", "node denial of service via the kubelet checkpoint API on the read-only port", "medium",
  ["kubelet"], R((I,"0"),(F,"1.29.14"),(I,"1.30.0"),(F,"1.30.10"),(I,"1.31.0"),(F,"1.31.6"),(I,"1.32.0"),(F,"1.32.2")),
  vector="CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", conditions=["kubelet-read-only-port"], published="2025-02-06",
  refs=["https://github.com/kubernetes/kubernetes/issues/130016", FEED+"CVE-2025-0426.json"]))
A.append(adv("CVE-2025-1767", "gitRepo volumes can read local repositories of other pods on the node; no fix (gitRepo is deprecated)", "medium",
  ["kubelet"], R((I,"0"),), vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:N", conditions=["gitrepo-volumes"], published="2025-03-13",
  refs=["https://github.com/kubernetes/kubernetes/issues/130786", FEED+"CVE-2025-1767.json"]))
A.append(adv("CVE-2025-4563", "NodeRestriction misses dynamic resource allocation checks on mirror pod creation", "low",
  ["kube-apiserver"], R((I,"1.32.0"),(L,"1.32.5"),(I,"1.33.0"),(L,"1.33.1")),
  vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:L", conditions=["dynamic-resource-allocation"], published="2025-06-06",
  refs=["https://github.com/kubernetes/kubernetes/issues/132151", FEED+"CVE-2025-4563.json"]))
A.append(adv("CVE-2025-5187", "nodes can delete their own Node object by adding an OwnerReference (NodeRestriction)", "medium",
  ["kube-apiserver"], R((I,"1.31.0"),(L,"1.31.11"),(I,"1.32.0"),(L,"1.32.7"),(I,"1.33.0"),(L,"1.33.3")),
  vector="CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:L", published="2025-08-11",
  refs=["https://github.com/kubernetes/kubernetes/issues/133471", FEED+"CVE-2025-5187.json"]))
A.append(adv("CVE-2025-13281", "half-blind SSRF in kube-controller-manager with the in-tree Portworx StorageClass", "medium",
  ["kube-controller-manager"], R((I,"1.30.0"),(I,"1.31.0"),(L,"1.31.14"),(I,"1.32.0"),(L,"1.32.9"),(I,"1.33.0"),(L,"1.33.5"),(I,"1.34.0"),(L,"1.34.1")),
  vector="CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:C/C:H/I:N/A:N", conditions=["portworx-storageclass"], published="2025-11-30",
  refs=["https://github.com/kubernetes/kubernetes/issues/135525", FEED+"CVE-2025-13281.json"]))
# etcd
A.append(adv("GHSA-gmph-wf7j-9gcm", "etcd debug logging can expose authentication credentials (privilege escalation)", "critical",
  ["etcd"], R((I,"3.4.10"),(F,"3.4.25"),(I,"3.5.0"),(F,"3.5.8")), 9.8, aliases=["CVE-2021-28235"],
  notes="Fixed in 3.5.8 (ALT Linux changelog: '3.5.8 (Fixes: CVE-2021-28235)'); the 3.4 backport is PR #15655, released in 3.4.25.",
  refs=["https://github.com/advisories/GHSA-gmph-wf7j-9gcm", "https://github.com/etcd-io/etcd/pull/15655", "https://nvd.nist.gov/vuln/detail/CVE-2021-28235"]))
A.append(adv("GHSA-3p4g-rcw5-8298", "etcd key names can be read through the LeaseTimeToLive API without permission", "medium",
  ["etcd"], R((I,"0"),(F,"3.4.26"),(I,"3.5.0"),(F,"3.5.9")), aliases=["CVE-2023-32082"], conditions=["etcd-auth"],
  refs=["https://github.com/advisories/GHSA-3p4g-rcw5-8298", "https://osv.dev/vulnerability/BIT-etcd-2023-32082"]))
A.append(adv("GHSA-q8m4-xhhv-38mg", "etcd gRPC authorization bypass: unauthenticated callers can reach MemberList, Alarm, Lease and Compaction", "high",
  ["etcd"], R((I,"0"),(F,"3.4.42"),(I,"3.5.0"),(F,"3.5.28"),(I,"3.6.0"),(F,"3.6.9")), aliases=["CVE-2026-33413"], conditions=["etcd-auth"],
  refs=["https://github.com/advisories/GHSA-q8m4-xhhv-38mg"]))
A.append(adv("GHSA-rfx7-8w68-q57q", "etcd nested transactions bypass RBAC key permissions", "low",
  ["etcd"], R((I,"0"),(F,"3.4.42"),(I,"3.5.0"),(F,"3.5.28"),(I,"3.6.0"),(F,"3.6.9")), aliases=["CVE-2026-33343"], conditions=["etcd-auth"],
  refs=["https://github.com/advisories/GHSA-rfx7-8w68-q57q"]))
A.append(adv("GHSA-x35m-3gp4-4fh5", "etcd PrevKv and lease attach in transaction Put bypass RBAC", "low",
  ["etcd"], R((I,"0"),(F,"3.4.44"),(I,"3.5.0"),(F,"3.5.30"),(I,"3.6.0"),(F,"3.6.11")), aliases=["CVE-2026-44283"], conditions=["etcd-auth"],
  refs=["https://github.com/advisories/GHSA-x35m-3gp4-4fh5"]))
# containerd
A.append(adv("GHSA-265r-hfxg-fhmg", "containerd: a UID:GID above 2^31-1 overflows and the container runs as root", "medium",
  ["containerd"], R((I,"0"),(F,"1.6.38"),(I,"1.7.0-beta.0"),(F,"1.7.27"),(I,"2.0.0-beta.0"),(F,"2.0.4")), aliases=["CVE-2024-40635"],
  refs=["https://github.com/containerd/containerd/security/advisories/GHSA-265r-hfxg-fhmg", "https://osv.dev/vulnerability/CVE-2024-40635"]))
A.append(adv("GHSA-pwhc-rpq9-4c8w", "containerd creates /var/lib/containerd and CRI directories with overly broad permissions", "high",
  ["containerd"], R((I,"0.1.0"),(F,"1.7.29"),(I,"2.0.0-beta.0"),(F,"2.0.7"),(I,"2.1.0-beta.0"),(F,"2.1.5"),(I,"2.2.0-beta.0"),(F,"2.2.0")),
  7.3, aliases=["CVE-2024-25621"],
  refs=["https://github.com/flatcar/Flatcar/issues/1943", "https://github.com/containerd/containerd/issues/13617"]))
A.append(adv("GHSA-m6hq-p25p-ffr2", "containerd CRI Attach leaks goroutines: repeated attach exhausts host memory", "medium",
  ["containerd"], R((I,"0"),(F,"1.7.29"),(I,"2.0.0-beta.0"),(F,"2.0.7"),(I,"2.1.0-beta.0"),(F,"2.1.5"),(I,"2.2.0-beta.0"),(F,"2.2.0")),
  aliases=["CVE-2025-64329"],
  refs=["https://github.com/containerd/containerd/security/advisories/GHSA-m6hq-p25p-ffr2", "https://github.com/golang/vulndb/issues/4108"]))
# runc
A.append(adv("GHSA-xr7r-f8xq-vfvv", "runc container breakout through process.cwd and leaked file descriptors", "high",
  ["runc"], R((I,"1.0.0-rc93"),(F,"1.1.12")), vector="CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", aliases=["CVE-2024-21626"], published="2024-01-31",
  refs=["https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv", "https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/2024/01/GHSA-xr7r-f8xq-vfvv/GHSA-xr7r-f8xq-vfvv.json"]))
trio_refs = "https://github.com/opencontainers/runc/blob/main/CHANGELOG.md"
A.append(adv("GHSA-9493-h29p-rfm2", "runc masked-path bind mount of a /dev/null symlink gives read-write access to procfs files", "high",
  ["runc"], R((I,"0"),(F,"1.2.8"),(I,"1.3.0"),(F,"1.3.3"),(I,"1.4.0-rc.1"),(F,"1.4.0-rc.3")), aliases=["CVE-2025-31133"], published="2025-11-05",
  refs=["https://github.com/opencontainers/runc/security/advisories/GHSA-9493-h29p-rfm2", trio_refs]))
A.append(adv("GHSA-qw9x-cqr3-wc7r", "runc /dev/console bind mount follows an attacker's /dev/pts symlink", "high",
  ["runc"], R((I,"1.0.0-rc3"),(F,"1.2.8"),(I,"1.3.0"),(F,"1.3.3"),(I,"1.4.0-rc.1"),(F,"1.4.0-rc.3")), aliases=["CVE-2025-52565"], published="2025-11-05",
  refs=["https://github.com/opencontainers/runc/security/advisories/GHSA-qw9x-cqr3-wc7r", trio_refs]))
A.append(adv("GHSA-cgrx-mc8f-2prm", "runc LSM label writes can be redirected, so labels are not applied (variant of CVE-2019-19921)", "high",
  ["runc"], R((I,"0"),(F,"1.2.8"),(I,"1.3.0"),(F,"1.3.3"),(I,"1.4.0-rc.1"),(F,"1.4.0-rc.3")), aliases=["CVE-2025-52881"], published="2025-11-05",
  refs=["https://github.com/opencontainers/runc/security/advisories/GHSA-cgrx-mc8f-2prm", trio_refs]))
# OpenSSH
A.append(adv("CVE-2024-6387", "regreSSHion: sshd SIGALRM handler race allows unauthenticated remote code execution as root on glibc Linux", "high",
  ["openssh"], R((I,"0"),(F,"4.4p1"),(I,"8.5p1"),(F,"9.8p1")), 8.1, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
  conditions=["glibc-linux"], published="2024-07-01",
  debian=[("bookworm","openssh","1:9.2p1-2+deb12u3")],
  notes="Debian 12 fixed it in 1:9.2p1-2+deb12u3 (changelog: 'Disable async-signal-unsafe code from the sshsigdie() function', security upload of 2024-06-22).",
  refs=["https://www.openssh.com/txt/release-9.8", "https://www.qualys.com/2024/07/01/cve-2024-6387/regresshion.txt",
        "/usr/share/doc/openssh-client/changelog.Debian.gz (openssh 1:9.2p1-2+deb12u3)"]))
A.append(adv("CVE-2023-48795", "Terrapin: prefix truncation of the early encrypted SSH transport (chacha20-poly1305, EtM MACs)", "medium",
  ["openssh"], R((I,"0"),(F,"9.6p1")), 5.9, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", published="2023-12-18",
  debian=[("bookworm","openssh","1:9.2p1-2+deb12u2")],
  refs=["https://www.openssh.com/txt/release-9.6", "https://terrapin-attack.com/",
        "/usr/share/doc/openssh-client/changelog.Debian.gz (openssh 1:9.2p1-2+deb12u2)"]))
A.append(adv("CVE-2025-26465", "ssh client with VerifyHostKeyDNS can be impersonated by a machine in the middle", "medium",
  ["openssh"], R((I,"6.8p1"),(F,"9.9p2")), conditions=["verify-host-key-dns"], published="2025-02-18",
  debian=[("bookworm","openssh","1:9.2p1-2+deb12u5")],
  refs=["https://www.openssh.com/txt/release-9.9p2", "https://www.qualys.com/2025/02/18/openssh-mitm-dos.txt",
        "/usr/share/doc/openssh-client/changelog.Debian.gz (openssh 1:9.2p1-2+deb12u5)"]))
A.append(adv("CVE-2025-26466", "pre-authentication CPU and memory exhaustion in ssh and sshd (SSH2_MSG_PING)", "medium",
  ["openssh"], R((I,"9.5p1"),(F,"9.9p2")), published="2025-02-18",
  refs=["https://www.openssh.com/txt/release-9.9p2", "https://notes.intcube.io/CVE-2025-26466-OpenSSH-206acb1738c78124a10ff2ba817b3b2e"]))
conditions = [
  {"id": "windows-nodes", "description": "the cluster has Windows nodes"},
  {"id": "external-ips-allowed", "description": "users may set Service spec.externalIPs (no DenyServiceExternalIPs admission plugin or equivalent policy)"},
  {"id": "enforce-mountable-secrets", "description": "the ServiceAccount admission plugin and the kubernetes.io/enforce-mountable-secrets annotation are used"},
  {"id": "gitrepo-volumes", "description": "pods may use the in-tree gitRepo volume"},
  {"id": "kubelet-read-only-port", "description": "the kubelet's unauthenticated read-only port is enabled"},
  {"id": "dynamic-resource-allocation", "description": "the DynamicResourceAllocation feature gate is enabled"},
  {"id": "portworx-storageclass", "description": "the in-tree Portworx StorageClass is used"},
  {"id": "etcd-auth", "description": "clients reach etcd with etcd's own users and RBAC (not only the apiserver over mTLS)"},
  {"id": "glibc-linux", "description": "sshd runs on glibc-based Linux"},
  {"id": "verify-host-key-dns", "description": "the ssh client runs with VerifyHostKeyDNS enabled"},
]
K = ["kubernetes"]
eol = [
  {"components": K, "line": "1.30", "date": "2025-07-15", "reference": "https://kubernetes.io/releases/1.30/"},
  {"components": K, "line": "1.31", "date": "2025-10-28", "reference": "https://github.com/scaleway/docs-content/pull/5503 (official end of life column)"},
  {"components": K, "line": "1.33", "date": "2026-06-28", "reference": "https://kubernetes.io/releases/1.33/"},
  {"components": K, "line": "1.34", "date": "2026-10-27", "reference": "https://kubernetes.io/releases/1.34"},
  {"components": K, "line": "1.35", "date": "2027-02-28", "reference": "https://kubernetes.io/releases/1.35"},
  {"components": K, "line": "1.36", "date": "2027-06-28", "reference": "https://kubernetes.io/releases/1.36/"},
  {"components": ["etcd"], "line": "3.3", "reference": "https://etcd.io/docs/v3.3/op-guide/versioning/"},
  {"components": ["etcd"], "line": "3.4", "reference": "https://etcd.io/docs/v3.6/op-guide/versioning/ (v3.4 goes out of support when v3.6 is released)"},
  {"components": ["containerd"], "line": "1.5", "date": "2023-02-28", "reference": "https://github.com/containerd/containerd/blob/main/RELEASES.md"},
  {"components": ["containerd"], "line": "1.6", "date": "2025-08-23", "reference": "https://github.com/containerd/containerd/blob/main/RELEASES.md"},
  {"components": ["containerd"], "line": "2.1", "date": "2026-07-03", "reference": "https://github.com/containerd/containerd/blob/main/RELEASES.md"},
]
for minor in range(10, 30):
    eol.append({"components": K, "line": f"1.{minor}", "reference": "https://kubernetes.io/releases/ (out of support; older than 1.30)"})
eol.sort(key=lambda e: (e["components"][0], [int(x) for x in e["line"].split(".")]))
data = {"schema": "bulwark-advisories/v1", "generated": "2026-11-20",
  "sources": [
    {"title": "Kubernetes official CVE feed, as OSV (kubernetes-sigs/cve-feed-osv)", "url": "https://github.com/kubernetes-sigs/cve-feed-osv"},
    {"title": "Kubernetes official CVE feed", "url": "https://kubernetes.io/docs/reference/issues-security/official-cve-feed/index.json"},
    {"title": "Kubernetes release pages", "url": "https://kubernetes.io/releases/"},
    {"title": "GitHub Advisory Database", "url": "https://github.com/github/advisory-database"},
    {"title": "runc CHANGELOG", "url": "https://github.com/opencontainers/runc/blob/main/CHANGELOG.md"},
    {"title": "containerd RELEASES.md", "url": "https://github.com/containerd/containerd/blob/main/RELEASES.md"},
    {"title": "etcd versioning policy", "url": "https://etcd.io/docs/v3.6/op-guide/versioning/"},
    {"title": "OpenSSH release notes", "url": "https://www.openssh.com/releasenotes.html"},
    {"title": "Debian openssh changelog (bookworm)", "url": "https://tracker.debian.org/pkg/openssh"},
  ],
  "conditions": conditions, "advisories": sorted(A, key=lambda a: a["id"]), "endOfLife": eol}
import sys
out = sys.argv[1]
with open(out, "w") as f:
    json.dump(data, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(len(A), "advisories,", len(eol), "end-of-life lines")
