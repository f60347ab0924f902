import Etcd
import Hardening
import Inventory
import Kubernetes
import Orchestration
import PKI
import Planning

/// The one kind registry with fixed inputs, for plan goldens that pin what users get: the real
/// etcd, Kubernetes and hardening kinds, with artifacts at fixed paths and digests, a PKI that
/// would be issued under a state dir that does not exist, and a fixed controller address.
public enum PlanFixtures {
  public static let digest = String(repeating: "5", count: 64)
  public static let controllerAddress = "192.0.2.10"

  public static func etcdInputs(_ inv: Inventory, facts: EtcdClusterFacts = .fresh) throws -> EtcdInputs {
    let pki = try PKIStore(root: "/nonexistent-bulwark-state/pki").reconcile(
      authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
      specs: EtcdCertificates.specs(EtcdLayout(inv)), write: false)
    let version = inv.versions.etcd
    let binaries = Dictionary(uniqueKeysWithValues: EtcdArtifacts.binaries(for: version).map {
      ($0, LocalArtifact(path: "cache/etcd/v\(version)/\($0)", sha256: digest))
    })
    return EtcdInputs(binaries: binaries, pki: pki, facts: facts, snapshotPath: "/nonexistent-bulwark-state/snapshots/snapshot.db")
  }

  public static func kubernetesInputs(_ inv: Inventory, facts: KubernetesClusterFacts = .fresh) -> KubernetesInputs {
    var artifacts = KubernetesArtifacts()
    let version = inv.versions.kubernetes?.description ?? "0.0.0"
    for name in KubernetesArtifacts.binaries {
      artifacts.binaries[name] = LocalArtifact(path: "cache/kubernetes/v\(version)/\(name)", sha256: digest)
    }
    let containerd = inv.versions.containerd?.description ?? "0.0.0"
    artifacts.containerdPackages = ["containerd_\(containerd)_amd64.deb"].map {
      LocalArtifact(path: "cache/containerd/v\(containerd)/\($0)", sha256: digest)
    }
    artifacts.cniManifest = LocalArtifact(path: "cache/cni/manifest.yaml", sha256: digest)
    var inputs = KubernetesInputs.placeholder
    inputs.artifacts = artifacts
    inputs.facts = facts
    return inputs
  }

  public static func hardeningInputs(_ inv: Inventory) -> HardeningInputs {
    HardeningInputs(sshFrom: Dictionary(uniqueKeysWithValues: inv.hosts.map { ($0.name, [controllerAddress]) }), inventory: inv)
  }

  /// The registry a plan of `inv` is made with, every domain's kinds included.
  public static func registry(
    _ inv: Inventory, etcdFacts: EtcdClusterFacts = .fresh, kubernetesFacts: KubernetesClusterFacts = .fresh
  ) throws -> [String: any StepKind] {
    KindRegistry.compose(
      etcd: try etcdInputs(inv, facts: etcdFacts),
      kubernetes: inv.versions.kubernetes == nil ? nil : kubernetesInputs(inv, facts: kubernetesFacts),
      hardening: hardeningInputs(inv))
  }

  public static func plan(
    _ inv: Inventory, _ playbook: Playbook, etcdFacts: EtcdClusterFacts = .fresh, kubernetesFacts: KubernetesClusterFacts = .fresh
  ) throws -> Plan {
    let kinds = try registry(inv, etcdFacts: etcdFacts, kubernetesFacts: kubernetesFacts)
    var plan = try Planner(kinds: kinds, established: Set(kubernetesFacts.nodes.keys)).plan(inv, playbook: playbook).get()
    // What an offline `bulwark plan` says of the preflight.
    plan.preflight = DomainInputs.preflight(inv, playbook: playbook, observed: nil, cluster: kubernetesFacts).lines
    return plan
  }
}
