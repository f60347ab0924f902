import Etcd
import Foundation
import Inventory
import PKI
import Planning
import Support

/// Gathers what the domain step kinds need from this machine (the artifact cache, the PKI in the
/// state dir) before planning, so the planner itself stays pure. `apply` issues missing or expiring
/// certificates first (`writePKI`); `plan` only reports what it would issue.
struct DomainInputs {
  var kinds: [String: any StepKind]
  var diagnostics: [Diagnostic]

  static func gather(
    _ inv: Inventory, inventoryPath: String, stateDirectory: String, playbook: Playbook, writePKI: Bool
  ) -> DomainInputs {
    var kinds = StepKinds.builtIn
    let named = playbook.phases.flatMap { $0.steps + ($0.gate.map { [$0] } ?? []) }.map(\.kind)
    guard named.contains(where: { $0.hasPrefix("etcd.") }) else { return DomainInputs(kinds: kinds, diagnostics: []) }

    let directory = (inventoryPath as NSString).deletingLastPathComponent
    let (binaries, diagnostics) = EtcdArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory)
    let layout = EtcdLayout(inv)
    do {
      let report = try PKIStore(root: StateDirectory.pki(stateDirectory)).reconcile(
        authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
        specs: EtcdCertificates.specs(layout), write: writePKI)
      kinds.merge(EtcdKinds.all(EtcdInputs(binaries: binaries, pki: report))) { _, real in real }
      return DomainInputs(kinds: kinds, diagnostics: diagnostics)
    } catch {
      return DomainInputs(kinds: kinds, diagnostics: diagnostics + [.error("pki", "\(error)",
        hint: "the state dir is \(stateDirectory); restore it from a backup rather than deleting it")])
    }
  }
}

/// The controller's state for one cluster: the PKI (CAs and keys), snapshots. Next to the
/// inventory by default, as `NAME.state/`; 0700.
enum StateDirectory {
  static func path(inventoryPath: String, cluster: String, override: String?) -> String {
    if let override { return override }
    let directory = (inventoryPath as NSString).deletingLastPathComponent
    return (directory.isEmpty ? "." : directory) + "/\(cluster).state"
  }
  static func pki(_ state: String) -> String { state + "/pki" }
}
