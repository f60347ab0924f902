import Kubernetes
import Etcd
import Foundation
import Inventory
import Planning

/// Facts, plan and observations: what `plan` (live) and `apply` share. Read-only on the hosts; with
/// `writePKI` the state dir gets the certificates and secrets the plan names, so a saved plan holds
/// exactly what apply will upload.
enum LivePlan {
  struct Facts {
    var etcd: EtcdClusterFacts
    var kubernetes: KubernetesClusterFacts
  }

  static func facts(_ inv: Inventory, playbook: Playbook, fleet: Fleet) async -> Facts {
    var facts = Facts(etcd: .fresh, kubernetes: .fresh)
    if DomainInputs.usesEtcd(playbook) {
      facts.etcd = await EtcdFactsGatherer.gather(inv, fleet: fleet)
      for (host, why) in facts.etcd.unreachable.sorted(by: { $0.key < $1.key }) {
        Console.err("warning: no etcd facts from \(host): \(why)\n")
      }
    }
    if DomainInputs.usesKubernetes(playbook, inv) {
      facts.kubernetes = await KubernetesFactsGatherer.gather(inv, fleet: fleet)
    }
    return facts
  }

  static func make(
    _ inv: Inventory, inventoryPath: String, stateDirectory: String, playbook: Playbook, fleet: Fleet, writePKI: Bool,
    restoreFrom: LocalArtifact? = nil, checkFacts: (EtcdClusterFacts) throws -> Void = { _ in }
  ) async throws -> Plan {
    let facts = await facts(inv, playbook: playbook, fleet: fleet)
    try checkFacts(facts.etcd)
    if writePKI {
      try await ArtifactDownloads.fetch(inv, inventoryPath: inventoryPath, stateDirectory: stateDirectory)
    }
    var plan = try DomainInputs.plan(inv, inventoryPath: inventoryPath, stateDirectory: stateDirectory, playbook: playbook,
      writePKI: writePKI, facts: facts.etcd, kubernetesFacts: facts.kubernetes, restoreFrom: restoreFrom)
    plan.observe(await PlanObserver.observe(plan, fleet: fleet))
    plan.inventory = URL(fileURLWithPath: inventoryPath).standardizedFileURL.path
    plan.factsFingerprint = plan.observationDigest(facts: DomainInputs.fingerprint(facts.etcd, facts.kubernetes))
    // The report shows the last plan made for the cluster.
    if let json = try? plan.renderedJSON() {
      try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      FileManager.default.createFile(atPath: lastPlanPath(stateDirectory), contents: Data(json.utf8), attributes: [.posixPermissions: 0o600])
    }
    return plan
  }

  static func lastPlanPath(_ state: String) -> String { state + "/last-plan.json" }
}
