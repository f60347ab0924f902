import Inventory

/// Version rules for changing a running cluster: one minor version at a time, never down.
public enum EtcdVersionPolicy {
  /// nil when moving every running member to `target` is allowed; otherwise why not.
  public static func refusal(running: [String: Version], target: Version) -> String? {
    for (host, current) in running.sorted(by: { $0.key < $1.key }) {
      if current == target { continue }
      if current.major != target.major {
        return "etcd \(current) on \(host) cannot move to \(target): a major version change is not supported"
      }
      if (target.minor, target.patch) < (current.minor, current.patch) {
        return "etcd \(current) on \(host) would be downgraded to \(target); downgrades are refused"
      }
      if target.minor > current.minor + 1 {
        return "etcd \(current) on \(host) would skip a minor version on the way to \(target); upgrade to \(current.major).\(current.minor + 1) first"
      }
    }
    return nil
  }
}
