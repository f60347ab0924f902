import Etcd
import Hardening
import Kubernetes
import Planning

/// The one registry of step kinds: the generic ones plus every domain's, wired by what a playbook
/// names rather than by a name prefix. A domain whose kinds the playbook does not use gets no
/// inputs gathered (no facts, no artifacts, no PKI).
public enum KindRegistry {
  /// The domains Bulwark has, and the kind names each owns.
  public enum Domain: String, Sendable, CaseIterable {
    case etcd, kubernetes, hardening
  }

  /// Each domain's kind names, from the domain modules' own lists (built with placeholder inputs:
  /// only the names are read).
  public static let names: [Domain: Set<String>] = [
    .etcd: Set(EtcdKinds.all(.placeholder).keys),
    .kubernetes: KubernetesKinds.names,
    .hardening: Set(HardeningKinds.all(HardeningInputs(sshFrom: [:])).keys),
  ]

  /// Every kind name a playbook uses, gates included.
  public static func kindNames(_ playbook: Playbook) -> Set<String> {
    Set(playbook.phases.flatMap { $0.steps + ($0.gate.map { [$0] } ?? []) }.map(\.kind))
  }

  /// The domains whose kinds the playbook names.
  public static func domains(used playbook: Playbook) -> Set<Domain> {
    let used = kindNames(playbook)
    return Set(Domain.allCases.filter { !(names[$0] ?? []).isDisjoint(with: used) })
  }

  /// The registry for one plan: the generic kinds, then each domain's real kinds.
  public static func compose(
    etcd: EtcdInputs? = nil, kubernetes: KubernetesInputs? = nil, hardening: HardeningInputs? = nil
  ) -> [String: any StepKind] {
    var kinds = StepKinds.generic
    if let etcd { kinds.merge(EtcdKinds.all(etcd)) { _, domain in domain } }
    if let kubernetes { kinds.merge(KubernetesKinds.all(kubernetes)) { _, domain in domain } }
    if let hardening { kinds.merge(HardeningKinds.all(hardening)) { _, domain in domain } }
    return kinds
  }
}
