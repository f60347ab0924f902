import Crypto
import Inventory
import Support

/// What the running Kubernetes cluster says about itself, asked of a control plane with kubeadm's
/// admin kubeconfig: the apiserver's version and every node with its kubelet's version.
public struct KubernetesClusterFacts: Sendable, Equatable {
  /// nil: no control plane answered, so the cluster is taken as not yet built.
  public var apiServerVersion: Version?
  public var nodes: [String: Version]

  public init(apiServerVersion: Version?, nodes: [String: Version]) {
    self.apiServerVersion = apiServerVersion
    self.nodes = nodes
  }

  public static let fresh = KubernetesClusterFacts(apiServerVersion: nil, nodes: [:])

  public var exists: Bool { apiServerVersion != nil }

  /// A digest of these facts and the etcd facts' fingerprint: what a plan was made from.
  public func fingerprint(with etcd: String) -> String {
    let text = "\(etcd)\nkubernetes \(apiServerVersion?.description ?? "-")\n"
      + nodes.keys.sorted().map { "node \($0) \(nodes[$0]!)\n" }.joined()
    return hexString(SHA256.hash(data: Array(text.utf8)))
  }
  public func isNode(_ name: String) -> Bool { nodes[name] != nil }
}

/// The read-only probe run on control planes, and its parser.
public enum KubernetesProbe {
  static let kubectl = "\(NodeFiles.binDirectory)/kubectl --kubeconfig=/etc/kubernetes/admin.conf --request-timeout=10s"

  /// Prints `server VERSION`, then `node NAME VERSION` lines; prints `none` where there is no cluster.
  public static let command = """
    [ -f /etc/kubernetes/admin.conf ] && [ -x \(NodeFiles.binDirectory)/kubectl ] || { echo none; exit 0; }
    v=$(\(kubectl) version -o json 2>/dev/null | sed -n '/serverVersion/,/}/s/.*"gitVersion": *"\\([^"]*\\)".*/\\1/p' | head -1)
    [ -n "$v" ] || { echo none; exit 0; }
    echo "server $v"
    \(kubectl) get nodes -o jsonpath='{range .items[*]}{"node "}{.metadata.name}{" "}{.status.nodeInfo.kubeletVersion}{"\\n"}{end}'
    """

  public static func parse(_ output: String) -> KubernetesClusterFacts {
    var facts = KubernetesClusterFacts.fresh
    for line in output.split(separator: "\n") {
      let f = line.split(separator: " ").map(String.init)
      if f.count == 2, f[0] == "server" { facts.apiServerVersion = Version(trimmingV: f[1]) }
      if f.count == 3, f[0] == "node", let v = Version(trimmingV: f[2]) { facts.nodes[f[1]] = v }
    }
    return facts
  }
}

extension Version {
  /// `v1.31.2` or `1.31.2`; build metadata after `+` or `-` is dropped.
  init?(trimmingV text: String) {
    var t = Substring(text)
    if t.hasPrefix("v") { t = t.dropFirst() }
    if let cut = t.firstIndex(where: { $0 == "+" || $0 == "-" }) { t = t[..<cut] }
    self.init(String(t))
  }
}

/// Kubernetes' version-skew rules, enforced when an upgrade or apply is planned
/// (https://kubernetes.io/releases/version-skew-policy/):
/// - the control plane moves one minor version at a time, never down;
/// - a kubelet is never newer than the apiserver, and at most three minor versions older.
public enum VersionSkew {
  public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public var rule: String
    public var message: String
    public var description: String { "\(rule): \(message)" }
  }

  /// Problems with moving the cluster in `facts` to `target`. `upgrading` is false for `apply`,
  /// which may build a cluster but never change a running one's version.
  public static func check(_ facts: KubernetesClusterFacts, target: Version, upgrading: Bool) -> [Violation] {
    guard let current = facts.apiServerVersion else { return [] }
    var out: [Violation] = []
    if target < current {
      out.append(Violation(rule: "no-downgrade", message: "the cluster runs \(current); \(target) would be a downgrade"))
    } else if target.major != current.major || target.minor > current.minor + 1 {
      out.append(Violation(rule: "one-minor-at-a-time",
        message: "the cluster runs \(current); go to \(current.major).\(current.minor + 1) first, then \(target)"))
    } else if !upgrading && target != current {
      out.append(Violation(rule: "upgrade-with-upgrade",
        message: "the cluster runs \(current), the inventory says \(target): run `bulwark upgrade` to change versions"))
    }
    for (node, kubelet) in facts.nodes.sorted(by: { $0.key < $1.key }) {
      if kubelet > current {
        out.append(Violation(rule: "kubelet-not-newer", message: "\(node)'s kubelet \(kubelet) is newer than the apiserver \(current)"))
      } else if kubelet.major == target.major, target.minor - kubelet.minor > 3 {
        out.append(Violation(rule: "kubelet-skew",
          message: "\(node)'s kubelet \(kubelet) would be more than three minor versions behind \(target); upgrade it first"))
      }
    }
    return out
  }
}
