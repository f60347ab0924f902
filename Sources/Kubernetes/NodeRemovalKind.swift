import Inventory
import Planning

/// Node removal: nodes the cluster has and the inventory no longer lists.
extension KubernetesKinds {
  /// Nodes the cluster has that the inventory no longer lists: drained, then deleted.
  static func removeNodes(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let listed = Set(c.inventory.hosts.map(\.name))
    let timeout = c.inventory.kubernetes.upgrade.drainTimeoutSeconds
    return i.facts.nodes.keys.sorted().filter { !listed.contains($0) }.map { node in
      StepDraft("remove-\(node)", "drain \(node) (timeout \(timeout)s), then delete it from the cluster", action: .delete,
        .command(argv: sh(KubernetesScripts.removeNode(node, timeoutSeconds: timeout)), unless: sh(KubernetesScripts.nodeAbsent(node))))
    }
  }
}
