import Etcd
import Hardening
import Foundation
import Inventory
import Kubernetes
import Planning
import Remote
import Steps

/// Facts, plan and observations: what `plan` (live) and `apply` share. Read-only on the hosts; with
/// `writePKI` the state dir gets the certificates and secrets the plan names, so a saved plan holds
/// exactly what apply will upload.
public enum LivePlan {
  public struct Facts: Sendable {
    public var etcd: EtcdClusterFacts
    public var kubernetes: KubernetesClusterFacts
    /// What each Kubernetes node showed of kubeadm's preflight (nil: not asked).
    public var preflight: [HostID: NodePreflightFacts]?
    /// Each host's OpenSSH server, when the playbook hardens (empty otherwise).
    public var openSSH: [String: OpenSSHVersion] = [:]
    public var fingerprint: String {
      let base = DomainInputs.fingerprint(etcd, kubernetes)
      return openSSH.isEmpty ? base : base + "|openssh:" + OpenSSHVersions.fingerprint(openSSH)
    }
  }

  /// What the hosts run, for the domains the playbook uses; an etcd host that cannot be asked, or no
  /// control plane answering, is a warning.
  public static func facts(_ inv: Inventory, playbook: Playbook, fleet: Fleet, notices: NoticeSink = { _ in }) async -> Facts {
    var facts = Facts(etcd: .fresh, kubernetes: .fresh, preflight: nil)
    let domains = KindRegistry.domains(used: playbook)
    if domains.contains(.etcd) {
      facts.etcd = await EtcdFactsGatherer.gather(inv, fleet: fleet)
      for (host, why) in facts.etcd.unreachable.sorted(by: { $0.key < $1.key }) {
        notices(Notice(.warning, "warning: no etcd facts from \(host): \(why)"))
      }
    }
    if domains.contains(.kubernetes), inv.versions.kubernetes != nil {
      let gathered = await KubernetesFactsGatherer.gather(inv, fleet: fleet, notices: notices)
      facts.kubernetes = gathered.cluster
      facts.preflight = gathered.preflight
    }
    if domains.contains(.hardening) {
      facts.openSSH = await OpenSSHVersions.gather(inv, fleet: fleet, skipping: Set(facts.etcd.unreachable.keys), notices: notices).versions
    }
    return facts
  }

  public static func make(
    _ inv: Inventory, inventoryPath: String, state: StateDirectory, playbook: Playbook, fleet: Fleet, writePKI: Bool,
    restoreFrom: LocalArtifact? = nil, notices: NoticeSink = { _ in },
    checkFacts: (EtcdClusterFacts) throws(OperationError) -> Void = { _ in }
  ) async throws(OperationError) -> Plan {
    let facts = await facts(inv, playbook: playbook, fleet: fleet, notices: notices)
    try checkFacts(facts.etcd)
    if writePKI {
      try await ArtifactDownloads.fetch(inv, inventoryPath: inventoryPath, state: state, notices: notices)
    }
    var plan = try DomainInputs.plan(DomainInputs.Request(inv, inventoryPath: inventoryPath, state: state, playbook: playbook,
      writePKI: writePKI, etcdFacts: facts.etcd, kubernetesFacts: facts.kubernetes, restoreFrom: restoreFrom,
      preflight: facts.preflight, openSSH: facts.openSSH), notices: notices)
    // Every path on this machine absolute, so a saved plan applies from any directory.
    let here = FileManager.default.currentDirectoryPath
    plan = plan.withAbsolutePaths(from: here)
    plan.observe(await PlanObserver.observe(plan, fleet: fleet))
    plan.inventory = StepOperation.absolute(inventoryPath, from: here)
    // A built-in playbook has no file.
    plan.playbookFile = FileManager.default.fileExists(atPath: playbook.file) ? StepOperation.absolute(playbook.file, from: here) : nil
    plan.factsFingerprint = plan.observationDigest(facts: facts.fingerprint)
    // The report shows the last plan made for the cluster.
    if let json = try? plan.renderedJSON() {
      try? state.create()
      FileManager.default.createFile(atPath: state.lastPlan, contents: Data(json.utf8), attributes: [.posixPermissions: 0o600])
    }
    return plan
  }
}

/// Asks the hosts how each planned step stands, read-only, in one batched probe per host: already
/// as desired, to change (what differs, and a unified diff for text files), or not known. Gates and
/// other run-time checkpoints are not observed; a fetched file is looked for on this machine.
public enum PlanObserver {
  public static func observe(_ plan: Plan, fleet: Fleet) async -> [String: (Observation, Action?)] {
    var result: [String: (Observation, Action?)] = [:]
    var byHost: [HostID: (ids: [String], steps: [any ProbedStep])] = [:]
    for s in plan.steps where s.action != .check && s.operation != .barrier {
      if case .fetch(_, _, let local) = s.operation {
        result[s.id] = FileManager.default.fileExists(atPath: local)
          ? (Observation(.unchanged), nil) : (Observation(.change, detail: "\(local) is not there yet"), .run)
        continue
      }
      guard let probed = StepFactory.make(s) as? any ProbedStep else {
        result[s.id] = (Observation(.unknown, detail: "decided when the run gets there"), nil)
        continue
      }
      byHost[s.host, default: ([], [])].ids.append(s.id)
      byHost[s.host, default: ([], [])].steps.append(probed)
    }
    let stepsByHost = byHost.mapValues(\.steps)
    let outcomes = await fleet.run(on: byHost.keys.sorted()) { host -> [(Observation, Action?)] in
      let batch = StepObservation.Batch(host: host.id, steps: stepsByHost[host.id] ?? [])
      let r = try await host.run(RemoteCommand.scriptOnStdin(batch.script))
      return batch.read(r.stdoutText).steps
    }
    for o in outcomes {
      let ids = byHost[o.host]?.ids ?? []
      switch o.result {
      case .failure(let error):
        for id in ids { result[id] = (Observation(.unknown, detail: "\(o.host) could not be asked: \(describe(error))"), nil) }
      case .success(let observed):
        for (id, observation) in zip(ids, observed) { result[id] = observation }
      }
    }
    return result
  }
}
