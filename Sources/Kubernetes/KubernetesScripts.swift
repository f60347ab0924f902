import Inventory
import Support

/// Every shell script the Kubernetes kinds and the probe run with `sh -c`, one function each, so
/// each is golden-tested and checked with `sh -n` (KubernetesScriptTests). Every value put into a
/// script goes through `ShellQuoting.quote`. `kubectl` is the argv scripts call kubectl with, a
/// parameter so a test can run a script against a fake one.
///
/// Unless a script says otherwise, it prints nothing of its own (the tools it runs may), and a
/// check ("…Is", "…Present", "…Applied") exits 0 when the state holds and non-zero when it does not.
public enum KubernetesScripts {
  /// kubectl with kubeadm's admin kubeconfig, as every cluster script calls it.
  public static let adminKubectl = [KubernetesPaths.kubectlBinary, "--kubeconfig=\(KubernetesPaths.adminConf)"]

  static func q(_ word: String) -> String { ShellQuoting.quote(word) }
  static func line(_ argv: [String]) -> String { ShellQuoting.commandLine(argv) }

  // MARK: node preparation

  /// Exits 0 when the overlay filesystem and bridge netfilter are present, loaded or built in.
  public static func modulesPresent() -> String {
    "grep -qw overlay /proc/filesystems && test -d /proc/sys/net/bridge"
  }

  /// Turns swap off now and comments out every swap line of /etc/fstab; non-zero when either fails.
  public static func swapOff() -> String {
    #"swapoff -a && sed -i -E 's@^([^#].*[[:space:]]swap[[:space:]].*)$@# \1@' /etc/fstab"#
  }

  /// Exits 0 when no swap is active and /etc/fstab names none.
  public static func swapIsOff() -> String {
    #"[ "$(wc -l < /proc/swaps)" -le 1 ] && ! grep -qE '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab"#
  }

  // MARK: containerd and the kubelet

  /// Reloads systemd's units and enables the kubelet (kubeadm starts it); non-zero when either fails.
  public static func enableKubelet() -> String {
    "systemctl daemon-reload && systemctl enable --quiet kubelet.service"
  }

  /// Exits 0 when the kubelet is enabled and systemd runs its unit file as it is on disk.
  public static func kubeletEnabled() -> String {
    #"systemctl is-enabled --quiet kubelet.service && [ "$(systemctl show -p NeedDaemonReload --value kubelet.service)" = no ]"#
  }

  // MARK: kubeadm

  /// Makes the bootstrap token in the token file valid again for two hours; kubeadm's exit code.
  public static func createBootstrapToken() -> String {
    "\(q(KubernetesPaths.kubeadm)) token create \"$(cat \(q(KubernetesPaths.token)))\" --ttl 2h"
      + " \(q("--kubeconfig=\(KubernetesPaths.adminConf)")) >/dev/null"
  }

  /// Exits 0 when kubeadm lists the token in the token file (so it has not expired).
  public static func bootstrapTokenListed() -> String {
    "\(q(KubernetesPaths.kubeadm)) token list \(q("--kubeconfig=\(KubernetesPaths.adminConf)"))"
      + " | grep -qF \"$(cat \(q(KubernetesPaths.token)))\""
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
    "[ \"$(awk '$1 == \"server:\" { print $2 }' \(q(kubeconfig)) | sort -u)\" = \(q(server)) ]"
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
    return "[ \"$(\(line(kubectl)) -n kube-system get daemonset kube-proxy \(q("-o=jsonpath=" + path)))\" = \(q(sites.joined(separator: " "))) ]"
  }

  /// Exits 0 while the uploaded control-plane certificates (secret kubeadm-certs) exist.
  public static func certificatesUploaded(kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) -n kube-system get secret kubeadm-certs >/dev/null 2>&1"
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

  /// Exits 0 when `kubectl diff` finds nothing of the manifest at `path` left to apply.
  public static func manifestApplied(path: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) diff --server-side --force-conflicts -f \(q(path)) >/dev/null"
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

  /// Exits 0 when the cluster has no node `node`.
  public static func nodeAbsent(_ node: String, kubectl: [String] = adminKubectl) -> String {
    "! \(line(kubectl)) get node \(q(node)) >/dev/null 2>&1"
  }

  /// Marks `node` schedulable again; kubectl's exit code and output.
  public static func uncordonNode(_ node: String, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) uncordon \(q(node))"
  }

  /// Exits 0 when `node` is not cordoned.
  public static func nodeSchedulable(_ node: String, kubectl: [String] = adminKubectl) -> String {
    "[ \"$(\(line(kubectl)) get node \(q(node)) -o jsonpath='{.spec.unschedulable}')\" != true ]"
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

  /// Exits 0 when the apiserver and the first control plane's static pod manifest are at `version`.
  public static func controlPlaneUpgraded(to version: Version, kubectl: [String] = adminKubectl) -> String {
    "\(line(kubectl)) version -o json | grep -q \(q("\"gitVersion\": \"v\(version)\""))"
      + " && grep -q \(q("kube-apiserver:v\(version)")) /etc/kubernetes/manifests/kube-apiserver.yaml"
  }

  /// Exits 0 when the kubelet binary in place is `version`.
  public static func kubeletBinaryIs(_ version: Version) -> String {
    "\(q("\(NodeFiles.binDirectory)/kubelet")) --version | grep -q \(q("v\(version)$"))"
  }

  /// Reloads systemd's units and restarts the kubelet; non-zero when either fails.
  public static func restartKubelet() -> String {
    "systemctl daemon-reload && systemctl restart kubelet.service"
  }

  /// Exits 0 when the kubelet runs the binary now in place, not one since replaced.
  public static func kubeletRestarted() -> String {
    "systemctl is-active --quiet kubelet.service && [ \"$(readlink /proc/$(systemctl show -p MainPID --value kubelet.service)/exe)\" = \(q("\(NodeFiles.binDirectory)/kubelet")) ]"
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

  /// Exits 0 when `service` is active and enabled, and was last restarted on `files` as they are now.
  public static func serviceCurrent(_ service: String, files: [String]) -> String {
    "systemctl is-active --quiet \(q(service)) && systemctl is-enabled --quiet \(q(service))"
      + " && [ \"$(\(filesDigest(files)))\" = \"$(cat \(q(serviceStamp(service))) 2>/dev/null)\" ]"
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
