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
      + nodes.sorted { $0.key < $1.key }.map { "node \($0.key) \($0.value)\n" }.joined()
    return hexString(SHA256.hash(data: Array(text.utf8)))
  }
  public func isNode(_ name: String) -> Bool { nodes[name] != nil }
}

/// The read-only probe run on control planes (`KubernetesScripts.probe`), and its parser.
public enum KubernetesProbe {
  public static let command = KubernetesScripts.probe()

  /// The facts in the probe's output. Node names come from the cluster and go into root scripts
  /// (drains, deletes), so one that is not a DNS-1123 name (`HostValue.isName`) is refused, as is
  /// any line the probe does not print.
  public static func parse(_ output: String) throws(KubernetesFactsError) -> KubernetesClusterFacts {
    var facts = KubernetesClusterFacts.fresh
    for line in output.split(separator: "\n") {
      let f = line.split(separator: " ").map(String.init)
      switch f.first {
      case "none"? where f.count == 1: continue
      case "server"? where f.count == 2: facts.apiServerVersion = Version(trimmingV: f[1])
      case "node"? where f.count >= 2:
        guard HostValue.isName(f[1]) else {
          throw KubernetesFactsError(.invalidNodeName, "the cluster has a node named \(ShellQuoting.quote(f[1])), not a DNS-1123 name; refusing it")
        }
        guard f.count <= 3 else {
          throw KubernetesFactsError(.unexpectedOutput, "the Kubernetes probe printed \(ShellQuoting.quote(String(line)))")
        }
        // A node whose kubelet has not reported a version yet is left out, as before it registers.
        if f.count == 3 {
          guard let v = Version(trimmingV: f[2]) else {
            throw KubernetesFactsError(.unexpectedOutput, "node \(f[1]) reports kubelet version \(ShellQuoting.quote(f[2]))")
          }
          facts.nodes[f[1]] = v
        }
      default:
        throw KubernetesFactsError(.unexpectedOutput, "the Kubernetes probe printed \(ShellQuoting.quote(String(line)))")
      }
    }
    return facts
  }
}

public enum KubernetesFactsFailure {}
/// Why the probe's output was refused.
public typealias KubernetesFactsError = CodedError<KubernetesFactsFailure>
extension ErrorCode where Domain == KubernetesFactsFailure {
  /// A node name that is not a DNS-1123 name: it never reaches a script.
  public static let invalidNodeName = Self("invalid-node-name")
  /// A line the probe does not print.
  public static let unexpectedOutput = Self("probe-output-unexpected")
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
