import Inventory
import Support

/// Every shell script the Kubernetes kinds and the probe run with `sh -c`, one function each, so
/// each is golden-tested and checked with `sh -n` (KubernetesScriptTests). Every value put into a
/// script goes through `ShellQuoting.quote`. `kubectl` is the argv scripts call kubectl with, a
/// parameter so a test can run a script against a fake one.
///
/// Unless a script says otherwise, it prints nothing of its own (the tools it runs may), and a
/// check ("…Is", "…Present", "…Applied") exits 0 when the state holds and non-zero when it does not;
/// a check a step runs first prints, when the state does not hold, one line of what it found
/// against what is wanted (`kubelet.service is disabled; wants enabled`).
public enum KubernetesScripts {
  /// kubectl with kubeadm's admin kubeconfig, as every cluster script calls it.
  public static let adminKubectl = [KubernetesPaths.kubectlBinary, "--kubeconfig=\(KubernetesPaths.adminConf)"]

  static func q(_ word: String) -> String { ShellQuoting.quote(word) }
  static func line(_ argv: [String]) -> String { ShellQuoting.commandLine(argv) }

  // MARK: node preparation

  /// Exits 0 when the overlay filesystem and bridge netfilter are present, loaded or built in;
  /// otherwise prints `kernel modules not loaded: overlay, br_netfilter` (those missing).
  public static func modulesPresent() -> String {
    """
    m=""; grep -qw overlay /proc/filesystems || m=overlay
    test -d /proc/sys/net/bridge || m="$m${m:+, }br_netfilter"
    [ -z "$m" ] && exit 0
    printf 'kernel modules not loaded: %s\\n' "$m"; exit 1
    """
  }

  /// Turns swap off now and comments out every swap line of /etc/fstab; non-zero when either fails.
  public static func swapOff() -> String {
    #"swapoff -a && sed -i -E 's@^([^#].*[[:space:]]swap[[:space:]].*)$@# \1@' /etc/fstab"#
  }

  /// Exits 0 when no swap is active and /etc/fstab names none; otherwise prints `swap: N active,
  /// M in /etc/fstab; wants none`.
  public static func swapIsOff() -> String {
    #"""
    n=$(( $(wc -l < /proc/swaps) - 1 )); f=$(grep -cE '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab 2>/dev/null)
    [ "$n" -le 0 ] && [ "${f:-0}" -eq 0 ] && exit 0
    printf 'swap: %s active, %s in /etc/fstab; wants none\n' "$n" "${f:-0}"; exit 1
    """#
  }

  // MARK: containerd and the kubelet

  /// Reloads systemd's units and enables the kubelet (kubeadm starts it); non-zero when either fails.
  public static func enableKubelet() -> String {
    "systemctl daemon-reload && systemctl enable --quiet kubelet.service"
  }

  /// Exits 0 when the kubelet is enabled and systemd runs its unit file as it is on disk; otherwise
  /// prints `kubelet.service is STATE, its unit file changed since systemd read it; wants enabled`.
  public static func kubeletEnabled() -> String {
    #"""
    e=$(systemctl is-enabled kubelet.service 2>/dev/null); enabled=$?
    r=$(systemctl show -p NeedDaemonReload --value kubelet.service)
    [ "$enabled" -eq 0 ] && [ "$r" = no ] && exit 0
    [ "$r" = no ] && r="" || r=", its unit file changed since systemd read it"
    printf 'kubelet.service is %s%s; wants enabled\n' "${e:-not installed}" "$r"; exit 1
    """#
  }

  // MARK: kubeadm

  /// Makes the bootstrap token in the token file valid again for two hours; kubeadm's exit code.
  public static func createBootstrapToken() -> String {
    "\(q(KubernetesPaths.kubeadm)) token create \"$(cat \(q(KubernetesPaths.token)))\" --ttl 2h"
      + " \(q("--kubeconfig=\(KubernetesPaths.adminConf)")) >/dev/null"
  }

  /// Exits 0 when kubeadm lists the token in the token file (so it has not expired); otherwise
  /// prints `kubeadm does not list the bootstrap token (expired, or not made yet)`.
  public static func bootstrapTokenListed() -> String {
    "\(q(KubernetesPaths.kubeadm)) token list \(q("--kubeconfig=\(KubernetesPaths.adminConf)"))"
      + " | grep -qF \"$(cat \(q(KubernetesPaths.token)))\" && exit 0\n"
      + "echo 'kubeadm does not list the bootstrap token (expired, or not made yet)'; exit 1"
  }

  /// Points every `server:` of the kubelet's kubeconfig at `server` (the URL of its site's API
  /// endpoint), keeping the file 0600, and restarts the kubelet; non-zero at the first failure.
  public static func pointKubeletAt(server: String, kubeconfig: String = KubernetesPaths.kubeletConf) -> String {
    let file = q(kubeconfig), next = q(kubeconfig + ".bulwark")
    return "umask 077 && awk -v s=\(q(server)) '$1 == \"server:\" { sub(/server:.*/, \"server: \" s) } { print }' \(file) > \(next)"
      + " && mv \(next) \(file) && systemctl restart kubelet"
  }

  /// Exits 0 when the kubelet's kubeconfig names `server` and no other API server.
  public static func kubeletPointsAt(server: String, kubeconfig: String = KubernetesPaths.kubeletConf) -> String {
    "s=$(awk '$1 == \"server:\" { print $2 }' \(q(kubeconfig)) | sort -u | tr '\\n' ' '); [ \"$s\" = \(q(server + " ")) ] && exit 0;"
      + " printf 'the kubelet talks to %s, wants %s\\n' \"${s:-nothing}\" \(q(server)); exit 1"
  }

  /// Applies `patch` (a JSON merge patch) to kubeadm's kube-proxy DaemonSet; kubectl's exit code.
  public static func patchKubeProxy(_ patch: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) -n kube-system patch daemonset kube-proxy --type=merge -p \(q(patch)) >/dev/null"
  }

  /// Exits 0 when kubeadm's kube-proxy DaemonSet is kept off the nodes labelled with `sites`
  /// (exactly those, in order).
  public static func kubeProxyExcludes(sites: [String], kubectl: [String] = adminKubectl) -> String {
    let path = "{.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
      + ".nodeSelectorTerms[0].matchExpressions[?(@.key==\"\(SiteProxies.siteLabel)\")].values[*]}"
    let want = q(sites.joined(separator: " "))
    return "s=$(\(line(kubectl)) -n kube-system get daemonset kube-proxy \(q("-o=jsonpath=" + path))); [ \"$s\" = \(want) ] && exit 0;"
      + " printf 'kube-proxy is kept off the sites [%s], wants [%s]\\n' \"$s\" \(want); exit 1"
  }

  /// Exits 0 while the uploaded control-plane certificates (secret kubeadm-certs) exist; otherwise
  /// prints `secret kube-system/kubeadm-certs is absent (deleted after 2 h, or not uploaded yet)`.
  public static func certificatesUploaded(kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) -n kube-system get secret kubeadm-certs >/dev/null 2>&1 && exit 0\n"
      + "echo 'secret kube-system/kubeadm-certs is absent (deleted after 2 h, or not uploaded yet)'; exit 1"
  }

  /// Exits 0 when the apiserver at `server` (a URL) answers /readyz; prints its answer (`ok`).
  public static func apiserverReady(server: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) \(q("--server=\(server)")) get --raw=/readyz"
  }

  // MARK: add-ons

  /// Applies the manifest at `path` server-side, taking over conflicting fields; kubectl's output.
  public static func applyManifest(path: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) apply --server-side --force-conflicts -f \(q(path))"
  }

  /// Exits 0 when `kubectl diff` finds nothing of the manifest at `path` left to apply; otherwise
  /// prints `PATH: N objects differ from the cluster` (or, when kubectl diff fails, its exit code).
  public static func manifestApplied(path: String, kubectl: [String] = adminKubectl) -> String {
    """
    out=$(\(line(kubectl)) diff --server-side --force-conflicts -f \(q(path))); s=$?
    [ "$s" -eq 0 ] && exit 0
    if [ "$s" -eq 1 ]; then printf '%s: %s objects differ from the cluster\\n' \(q(path)) "$(printf '%s\\n' "$out" | grep -c '^diff ')"
    else printf '%s: kubectl diff failed (exit %s)\\n' \(q(path)) "$s"; fi
    exit 1
    """
  }

  // MARK: nodes

  /// Cordons and drains `node`, waiting up to `timeoutSeconds`; kubectl's exit code and output.
  public static func drainNode(_ node: String, timeoutSeconds: Int, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) drain \(q(node)) --ignore-daemonsets --delete-emptydir-data --timeout=\(timeoutSeconds)s"
  }

  /// Drains `node`, then deletes it from the cluster; non-zero when either fails.
  public static func removeNode(_ node: String, timeoutSeconds: Int, kubectl: [String] = adminKubectl) -> String {
    "\(drainNode(node, timeoutSeconds: timeoutSeconds, kubectl: kubectl)) && \(line(kubectl)) delete node \(q(node))"
  }

  /// Exits 0 when the cluster has no node `node`; otherwise prints `node NODE is still in the cluster`.
  public static func nodeAbsent(_ node: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) get node \(q(node)) >/dev/null 2>&1 || exit 0\n"
      + "printf 'node %s is still in the cluster\\n' \(q(node)); exit 1"
  }

  /// Marks `node` schedulable again; kubectl's exit code and output.
  public static func uncordonNode(_ node: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) uncordon \(q(node))"
  }

  /// Exits 0 when `node` is not cordoned; otherwise prints `node NODE is cordoned`.
  public static func nodeSchedulable(_ node: String, kubectl: [String] = adminKubectl) -> String {
    "[ \"$(\(line(kubectl)) get node \(q(node)) -o jsonpath='{.spec.unschedulable}')\" != true ] && exit 0\n"
      + "printf 'node %s is cordoned\\n' \(q(node)); exit 1"
  }

  // MARK: upgrade

  /// Exits 0 when `node`'s kubelet reports `version`.
  public static func kubeletVersionIs(_ node: String, _ version: Version, kubectl: [String] = adminKubectl) -> String {
    "[ \"$(\(line(kubectl)) get node \(q(node)) -o jsonpath='{.status.nodeInfo.kubeletVersion}')\" = \(q("v\(version)")) ]"
  }

  /// Exits 0 when `node`'s kubelet reports `version` and the node is Ready.
  public static func nodeReady(_ node: String, on version: Version, kubectl: [String] = adminKubectl) -> String {
    "\(kubeletVersionIs(node, version, kubectl: kubectl)) && \(line(kubectl)) get node \(q(node))"
      + " -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
  }

  /// Exits 0 when the apiserver and the first control plane's static pod manifest are at `version`;
  /// otherwise prints `the apiserver answers VERSION and its manifest names IMAGE; wants vVERSION`.
  public static func controlPlaneUpgraded(to version: Version, kubectl: [String] = adminKubectl) -> String {
    let manifest = "/etc/kubernetes/manifests/kube-apiserver.yaml"
    return "\(line(kubectl)) version -o json | grep -q \(q("\"gitVersion\": \"v\(version)\""))"
      + " && grep -q \(q("kube-apiserver:v\(version)")) \(manifest) && exit 0\n"
      + "a=$(\(line(kubectl)) version -o json 2>/dev/null | grep -o '\"gitVersion\": \"[^\"]*\"' | tail -1 | cut -d'\"' -f4)\n"
      + "m=$(grep -o 'kube-apiserver:[^\"[:space:]]*' \(manifest) 2>/dev/null | head -1)\n"
      + "printf 'the apiserver answers %s and its manifest names %s; wants %s\\n' \"${a:-nothing}\" \"${m:-no image}\" \(q("v\(version)")); exit 1"
  }

  /// Exits 0 when the kubelet binary in place is `version`; otherwise prints `the kubelet in place
  /// is Kubernetes vX, wants vVERSION`.
  public static func kubeletBinaryIs(_ version: Version) -> String {
    "v=$(\(q("\(NodeFiles.binDirectory)/kubelet")) --version 2>/dev/null)\n"
      + "printf '%s\\n' \"$v\" | grep -q \(q("v\(version)$")) && exit 0\n"
      + "printf 'the kubelet in place is %s, wants %s\\n' \"${v:-absent}\" \(q("v\(version)")); exit 1"
  }

  /// Reloads systemd's units and restarts the kubelet; non-zero when either fails.
  public static func restartKubelet() -> String {
    "systemctl daemon-reload && systemctl restart kubelet.service"
  }

  /// Exits 0 when the kubelet runs the binary now in place, not one since replaced; otherwise prints
  /// `kubelet.service is not active` or `the kubelet runs PATH, wants the binary now in place`.
  public static func kubeletRestarted() -> String {
    let binary = q("\(NodeFiles.binDirectory)/kubelet")
    return "systemctl is-active --quiet kubelet.service || { echo 'kubelet.service is not active'; exit 1; }\n"
      + "pid=$(systemctl show -p MainPID --value kubelet.service)\n"
      + "exe=$(readlink \"/proc/$pid/exe\")\n"
      + "[ \"$exe\" = \(binary) ] && exit 0\n"
      + "printf 'the kubelet runs %s, wants %s as now in place\\n' \"${exe:-an unknown binary}\" \(binary); exit 1"
  }

  // MARK: services

  /// Exits 0 when haproxy accepts the configuration at `path`; its complaints on stderr.
  public static func haproxyConfigValid(path: String) -> String { "haproxy -c -q -f \(q(path))" }

  /// Exits 0 when keepalived accepts the configuration at `path`; its complaints on stderr.
  public static func keepalivedConfigValid(path: String) -> String { "keepalived --config-test -f \(q(path))" }

  /// Where the digest of the files a service was last restarted on is kept.
  static func serviceStamp(_ service: String) -> String { "/var/lib/bulwark/\(service).applied" }

  /// The digest of `files`, as `sha256sum` prints it for their concatenation.
  static func filesDigest(_ files: [String]) -> String { "cat \(line(files)) | sha256sum" }

  /// Exits 0 when `service` is active and enabled, and was last restarted on `files` as they are now;
  /// otherwise prints `SERVICE is not active`, `… not enabled` or `… not restarted since FILES changed`.
  public static func serviceCurrent(_ service: String, files: [String]) -> String {
    "systemctl is-active --quiet \(q(service)) || { printf '%s is not active\\n' \(q(service)); exit 1; }\n"
      + "systemctl is-enabled --quiet \(q(service)) || { printf '%s is not enabled\\n' \(q(service)); exit 1; }\n"
      + "[ \"$(\(filesDigest(files)))\" = \"$(cat \(q(serviceStamp(service))) 2>/dev/null)\" ] && exit 0\n"
      + "printf '%s is not restarted since %s changed\\n' \(q(service)) \(q(files.joined(separator: ", "))); exit 1"
  }

  /// Runs `validate` (a script, when given), then unmasks, enables and restarts `service` and
  /// records the digest of `files`; stops at the first failure with its exit code.
  public static func restartService(_ service: String, files: [String], validate: String?) -> String {
    (validate.map { "\($0) && " } ?? "")
      + "systemctl unmask --quiet \(q(service)) && systemctl enable --quiet \(q(service)) && systemctl restart \(q(service))"
      + " && \(filesDigest(files)) > \(q(serviceStamp(service)))"
  }

  // MARK: the probe

  /// kubectl as the probe calls it: the admin kubeconfig, and a short timeout.
  public static let probeKubectl = adminKubectl + ["--request-timeout=10s"]

  /// The read-only cluster probe. Prints `none` (exit 0) where there is no admin kubeconfig, no
  /// kubectl, or no apiserver answering; else `server VERSION`, then `node NAME VERSION` per node.
  /// Node names come from the cluster, so each line is checked before it is printed: a name that
  /// is not DNS-1123, a version not `vX.Y.Z…`, or anything more on the line stops the probe with
  /// exit 3 and a message on stderr. A failed `get nodes` exits with kubectl's code.
  public static func probe(kubectl: [String] = probeKubectl, adminConf: String = KubernetesPaths.adminConf) -> String {
    let k = line(kubectl)
    return """
      [ -f \(q(adminConf)) ] && [ -x \(q(kubectl.first ?? "kubectl")) ] || { echo none; exit 0; }
      v=$(\(k) version -o json 2>/dev/null | sed -n '/serverVersion/,/}/s/.*"gitVersion": *"\\([^"]*\\)".*/\\1/p' | head -1)
      [ -n "$v" ] || { echo none; exit 0; }
      printf 'server %s\\n' "$v"
      nodes=$(\(k) get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.nodeInfo.kubeletVersion}{"\\n"}{end}') || exit
      printf '%s\\n' "$nodes" | while read -r name version extra; do
        [ -n "$name" ] || continue
        case "$name" in
          *[!a-z0-9.-]* | [.-]* | *[.-]) echo "bulwark: refusing a node name that is not DNS-1123" >&2; exit 3 ;;
        esac
        [ "${#name}" -le 253 ] || { echo "bulwark: refusing a node name longer than 253" >&2; exit 3; }
        case "$version" in
          '' | v[0-9]*) ;;
          *) echo "bulwark: refusing a node line whose version is not vX.Y.Z" >&2; exit 3 ;;
        esac
        [ -z "$extra" ] || { echo "bulwark: refusing a node line with more than a name and a version" >&2; exit 3; }
        printf 'node %s %s\\n' "$name" "$version"
      done
      """
  }
}
