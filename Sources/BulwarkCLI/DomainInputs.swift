import Etcd
import Foundation
import Hardening
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

  /// Whether a playbook names etcd kinds (so etcd facts, artifacts and PKI matter).
  static func usesEtcd(_ playbook: Playbook) -> Bool {
    playbook.phases.flatMap { $0.steps + ($0.gate.map { [$0] } ?? []) }.contains { $0.kind.hasPrefix("etcd.") }
  }

  static func gather(
    _ inv: Inventory, inventoryPath: String, stateDirectory: String, playbook: Playbook, writePKI: Bool,
    facts: EtcdClusterFacts = .fresh, restoreFrom: LocalArtifact? = nil
  ) -> DomainInputs {
    var kinds = StepKinds.builtIn
    if playbook.phases.flatMap(\.steps).contains(where: { $0.kind.hasPrefix("hardening.") }) {
      kinds.merge(HardeningKinds.all(HardeningInputs(sshFrom: HardeningAddresses.sshFrom(inv)))) { _, real in real }
    }
    guard usesEtcd(playbook) else { return DomainInputs(kinds: kinds, diagnostics: []) }

    let directory = (inventoryPath as NSString).deletingLastPathComponent
    let (binaries, diagnostics) = EtcdArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory)
    let layout = EtcdLayout(inv)
    do {
      let report = try PKIStore(root: StateDirectory.pki(stateDirectory)).reconcile(
        authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
        specs: EtcdCertificates.specs(layout), write: writePKI)
      let inputs = EtcdInputs(binaries: binaries, pki: report, facts: facts,
        snapshotPath: StateDirectory.newSnapshot(stateDirectory, cluster: inv.name), restoreFrom: restoreFrom)
      kinds.merge(EtcdKinds.all(inputs)) { _, real in real }
      return DomainInputs(kinds: kinds, diagnostics: diagnostics)
    } catch {
      return DomainInputs(kinds: kinds, diagnostics: diagnostics + [.error("pki", "\(error)",
        hint: "the state dir is \(stateDirectory); restore it from a backup rather than deleting it")])
    }
  }
}

extension DomainInputs {
  /// Gathers the inputs and plans, printing every problem; invalid input ends the command (exit 3).
  static func plan(
    _ inv: Inventory, inventoryPath: String, stateDirectory: String, playbook: Playbook, writePKI: Bool,
    facts: EtcdClusterFacts = .fresh, restoreFrom: LocalArtifact? = nil
  ) throws -> Plan {
    let inputs = gather(inv, inventoryPath: inventoryPath, stateDirectory: stateDirectory, playbook: playbook,
      writePKI: writePKI, facts: facts, restoreFrom: restoreFrom)
    for d in inputs.diagnostics { Console.err(d.rendered + "\n") }
    if inputs.diagnostics.hasErrors { throw BulwarkExit.invalidInput }
    switch Planner(kinds: inputs.kinds).plan(inv, playbook: playbook) {
    case .failure(let e):
      Console.err(e.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    case .success(let plan): return plan
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
  static func snapshots(_ state: String) -> String { state + "/snapshots" }

  /// `snapshots/CLUSTER-YYYYMMDDTHHMMSSZ.db`, named when the plan is made.
  static func newSnapshot(_ state: String, cluster: String) -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    f.timeZone = TimeZone(identifier: "UTC")
    f.locale = Locale(identifier: "en_US_POSIX")
    return snapshots(state) + "/\(cluster)-\(f.string(from: Date())).db"
  }
}

/// Asks every etcd member host what it runs (read-only, one round trip each). Hosts that cannot be
/// reached are listed, not fatal: a dead member is exactly what `etcd replace` deals with.
enum EtcdFactsGatherer {
  static func gather(_ inv: Inventory, fleet: Fleet) async -> EtcdClusterFacts {
    let layout = EtcdLayout(inv)
    let probe = EtcdProbe.command(layout)
    let outcomes = await fleet.run(on: layout.members.map(\.name)) { host in
      let r = try await host.run(probe)
      guard r.succeeded else { throw CLIError("the etcd probe exited \(r.exitStatus): \(r.stderrTail)") }
      return EtcdProbe.parse(r.stdoutText)
    }
    var facts = EtcdClusterFacts(hosts: [:])
    for o in outcomes {
      switch o.result {
      case .success(let f): facts.hosts[o.host] = f
      case .failure(let e): facts.unreachable[o.host] = describe(e)
      }
    }
    return facts
  }
}
