import Inventory
import Kubernetes
import Planning
import Remote
import Support

extension DomainInputs {
  /// The kinds that run kubeadm's preflight on a node (init and joins).
  static let preflightKinds: Set<String> = ["kubeadm.control-plane", "kubeadm.join-worker"]

  static func preflight(_ r: Request) -> (lines: [String]?, diagnostics: [Diagnostic]) {
    preflight(r.inventory, playbook: r.playbook, observed: r.preflight, cluster: r.kubernetesFacts)
  }

  /// The plan's preflight section and, for what kubeadm's preflight would fail on with no step to
  /// fix it, an error naming the host. Only for playbooks that run kubeadm init or join; `observed`
  /// nil when the hosts were not asked (an offline plan says what a live one checks).
  public static func preflight(
    _ inv: Inventory, playbook: Playbook, observed: [HostID: NodePreflightFacts]?, cluster: KubernetesClusterFacts
  ) -> (lines: [String]?, diagnostics: [Diagnostic]) {
    guard let v = inv.versions.kubernetes, let req = KubernetesRequirements.forVersion(v),
      !KindRegistry.kindNames(playbook).isDisjoint(with: preflightKinds)
    else { return (nil, []) }
    guard let observed else { return (NodePreflight.summary(req, findings: nil), []) }
    var findings: [PreflightFinding] = []
    for host in inv.hosts where host.has(.controlPlane) || host.has(.worker) {
      guard let facts = observed[host.name] else {
        findings.append(PreflightFinding(host.name, .warning, "not known: the host could not be asked"))
        continue
      }
      findings += NodePreflight.evaluate(facts, host: host, requirements: req, inCluster: cluster.isNode(host.name))
    }
    let blocking = findings.filter { $0.level == .blocking }.map { f in
      Diagnostic.error("preflight-fails", f.description, path: "spec.hosts",
        hint: "kubeadm \(req.kubeadmAPIVersion) 1.\(req.minor)'s preflight would fail on \(f.host) and no step fixes it; fix the host, then plan again")
    }
    return (NodePreflight.summary(req, findings: findings), blocking)
  }
}
