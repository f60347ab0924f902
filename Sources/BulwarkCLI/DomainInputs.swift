import Kubernetes
import Etcd
import Foundation
import Hardening
import Inventory
import PKI
import Planning
import Remote
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

  /// Whether a playbook names Kubernetes kinds (and the inventory has Kubernetes nodes).
  static func usesKubernetes(_ playbook: Playbook, _ inv: Inventory) -> Bool {
    inv.versions.kubernetes != nil && playbook.phases.flatMap { $0.steps + ($0.gate.map { [$0] } ?? []) }.contains {
      KubernetesKinds.names.contains($0.kind)
    }
  }

  /// One digest over every fact a plan was made from.
  static func fingerprint(_ etcd: EtcdClusterFacts, _ kubernetes: KubernetesClusterFacts) -> String {
    kubernetes.exists ? kubernetes.fingerprint(with: etcd.fingerprint) : etcd.fingerprint
  }

  static func upgrades(_ playbook: Playbook) -> Bool {
    playbook.phases.flatMap(\.steps).contains { $0.kind == "kubeadm.upgrade-control-plane" || $0.kind == "kubelet.upgrade" }
  }

  static func gather(
    _ inv: Inventory, inventoryPath: String, stateDirectory: String, playbook: Playbook, writePKI: Bool,
    facts: EtcdClusterFacts = .fresh, kubernetesFacts: KubernetesClusterFacts = .fresh, restoreFrom: LocalArtifact? = nil
  ) -> DomainInputs {
    var kinds = StepKinds.builtIn
    if playbook.phases.flatMap(\.steps).contains(where: { $0.kind.hasPrefix("hardening.") }) {
      kinds.merge(HardeningKinds.all(HardeningInputs(sshFrom: HardeningAddresses.sshFrom(inv)))) { _, real in real }
    }
    let directory = (inventoryPath as NSString).deletingLastPathComponent
    var diagnostics: [Diagnostic] = []
    var etcdReport: PKIStore.AuthorityReport?
    do {
      if usesEtcd(playbook) {
        let (binaries, found) = EtcdArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory)
        diagnostics += found
        let report = try etcdPKI(inv, stateDirectory: stateDirectory, write: writePKI)
        etcdReport = report
        let inputs = EtcdInputs(binaries: binaries, pki: report, facts: facts,
          snapshotPath: StateDirectory.newSnapshot(stateDirectory, cluster: inv.name), restoreFrom: restoreFrom)
        kinds.merge(EtcdKinds.all(inputs)) { _, real in real }
      }
      if usesKubernetes(playbook, inv) {
        if let target = inv.versions.kubernetes {
          for v in VersionSkew.check(kubernetesFacts, target: target, upgrading: upgrades(playbook)) {
            diagnostics.append(.error("version-skew", v.message, at: inv.sourceMap.location("spec.versions.kubernetes"),
              path: "spec.versions.kubernetes", hint: "Kubernetes' version-skew policy (\(v.rule))"))
          }
        }
        let report = try etcdReport ?? etcdPKI(inv, stateDirectory: stateDirectory, write: writePKI)
        let artifacts = KubernetesArtifacts.resolve(inv, inventoryDirectory: directory.isEmpty ? "." : directory,
          stateDirectory: stateDirectory)
        diagnostics += artifacts.diagnostics
        let files = try KubernetesState(stateDirectory: stateDirectory).prepare(inv, write: writePKI)
        let client = report.leaves.first { $0.spec.name == EtcdCertificates.apiserverName }
        let inputs = KubernetesInputs(
          artifacts: artifacts, files: files,
          etcdCA: LocalArtifact(path: report.certificatePath, sha256: report.certificateSHA256),
          etcdClientCertificate: LocalArtifact(path: client?.certificatePath ?? "?", sha256: client?.certificateSHA256),
          etcdClientKey: LocalArtifact(path: client?.keyPath ?? "?", sha256: client?.keySHA256),
          facts: kubernetesFacts, adminKubeconfig: stateDirectory + "/admin.conf")
        kinds.merge(KubernetesKinds.all(inputs)) { _, real in real }
      }
      return DomainInputs(kinds: kinds, diagnostics: diagnostics)
    } catch {
      return DomainInputs(kinds: kinds, diagnostics: diagnostics + [.error("pki", "\(error)",
        hint: "the state dir is \(stateDirectory); restore it from a backup rather than deleting it")])
    }
  }

  static func etcdPKI(_ inv: Inventory, stateDirectory: String, write: Bool) throws -> PKIStore.AuthorityReport {
    try PKIStore(root: StateDirectory.pki(stateDirectory)).reconcile(
      authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
      specs: EtcdCertificates.specs(EtcdLayout(inv)), write: write)
  }
}

extension DomainInputs {
  /// Gathers the inputs and plans, printing every problem; invalid input ends the command (exit 3).
  static func plan(
    _ inv: Inventory, inventoryPath: String, stateDirectory: String, playbook: Playbook, writePKI: Bool,
    facts: EtcdClusterFacts = .fresh, kubernetesFacts: KubernetesClusterFacts = .fresh, restoreFrom: LocalArtifact? = nil
  ) throws -> Plan {
    let inputs = gather(inv, inventoryPath: inventoryPath, stateDirectory: stateDirectory, playbook: playbook,
      writePKI: writePKI, facts: facts, kubernetesFacts: kubernetesFacts, restoreFrom: restoreFrom)
    for d in inputs.diagnostics { Console.err(d.rendered + "\n") }
    if inputs.diagnostics.hasErrors { throw BulwarkExit.invalidInput }
    switch Planner(kinds: inputs.kinds, established: Set(kubernetesFacts.nodes.keys)).plan(inv, playbook: playbook) {
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

/// Asks the control planes what the Kubernetes cluster runs (read-only); the first that answers
/// with a cluster wins. No answer means no cluster yet.
enum KubernetesFactsGatherer {
  static func gather(_ inv: Inventory, fleet: Fleet) async -> KubernetesClusterFacts {
    let outcomes = await fleet.run(on: inv.hosts(with: .controlPlane).map(\.name)) { host in
      let r = try await host.run(RemoteCommand(["sh", "-c", KubernetesProbe.command]))
      guard r.succeeded else { throw CLIError("the Kubernetes probe exited \(r.exitStatus): \(r.stderrTail)") }
      return try KubernetesProbe.parse(r.stdoutText)
    }
    return outcomes.compactMap { try? $0.result.get() }.first { $0.exists } ?? .fresh
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
