import Inventory
import Planning

/// The upgrade: kubeadm on each control plane, then each node's kubelet, in kubeadm's order.
extension KubernetesKinds {
  static func upgradeControlPlane(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    guard let target = c.inventory.versions.kubernetes, i.facts.nodes[c.host.name] != target else { return [] }
    var drafts = uploads(i, names: ["kubeadm"], version: target.description)
    if c.position == 0 {
      drafts.append(StepDraft("upgrade-apply", "kubeadm upgrade apply v\(target) on \(c.host.name) (the first control plane)", action: .update,
        .command(argv: [KubernetesPaths.kubeadm, "upgrade", "apply", "v\(target)", "--yes"],
          unless: sh(KubernetesScripts.controlPlaneUpgraded(to: target)))))
    } else {
      drafts.append(StepDraft("upgrade-node", "kubeadm upgrade node on \(c.host.name)", action: .update,
        .command(argv: [KubernetesPaths.kubeadm, "upgrade", "node"],
          unless: ["grep", "-q", "kube-apiserver:v\(target)", "/etc/kubernetes/manifests/kube-apiserver.yaml"])))
    }
    return drafts + kubeletOnto(target, c, i)
  }

  /// One worker: drained from the first control plane, upgraded, restarted, uncordoned, and ready
  /// on the new version before its batch counts as done.
  static func upgradeWorker(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    guard let target = c.inventory.versions.kubernetes, i.facts.nodes[c.host.name] != target else { return [] }
    var drafts = uploads(i, names: ["kubeadm"], version: target.description)
    drafts.append(StepDraft("upgrade-node", "kubeadm upgrade node on \(c.host.name) (kubelet configuration)", action: .update,
      .command(argv: [KubernetesPaths.kubeadm, "upgrade", "node"],
        unless: sh(KubernetesScripts.kubeletBinaryIs(target)))))
    return drafts + kubeletOnto(target, c, i)
  }

  /// What every node does once kubeadm upgraded it, as kubeadm's upgrade guide orders it: drained
  /// (from the first control plane), the new kubelet and kubectl, the kubelet restarted, uncordoned,
  /// and a gate that the node is Ready on the new version.
  static func kubeletOnto(_ target: Version, _ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let node = c.host.name
    let operatorHost = c.topology.controlPlanes.first?.name ?? node
    let timeout = c.inventory.kubernetes.upgrade.drainTimeoutSeconds
    let upgraded = sh(KubernetesScripts.kubeletVersionIs(node, target))
    var drafts = [
      StepDraft("drain", "cordon and drain \(node) (timeout \(timeout)s)", action: .run,
        .command(argv: sh(KubernetesScripts.drainNode(node, timeoutSeconds: timeout)), unless: upgraded), runsOn: operatorHost),
    ]
    drafts += uploads(i, names: ["kubelet", "kubectl"], version: target.description)
    drafts += [
      StepDraft("restart-kubelet", "restart the kubelet onto \(target)", action: .update,
        .command(argv: sh(KubernetesScripts.restartKubelet()), unless: sh(KubernetesScripts.kubeletRestarted()))),
      StepDraft("uncordon", "uncordon \(node)", action: .run,
        .command(argv: sh(KubernetesScripts.uncordonNode(node)), unless: sh(KubernetesScripts.nodeSchedulable(node))),
        runsOn: operatorHost),
      StepDraft("ready", "gate: \(node) is Ready on \(target)", action: .check,
        .wait(argv: sh(KubernetesScripts.nodeReady(node, on: target)), timeoutSeconds: 300), runsOn: operatorHost),
    ]
    return drafts
  }
}
