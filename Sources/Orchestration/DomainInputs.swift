import Etcd
import Foundation
import Hardening
import Inventory
import Kubernetes
import PKI
import Planning
import Remote
import Support

/// Gathers what the domain step kinds need from this machine (the artifact cache, the PKI and the
/// secrets in the state dir) before planning, so the planner itself stays pure. `apply` issues
/// missing or expiring certificates first (`writePKI`); `plan` only reports what it would issue.
public struct DomainInputs {
  public var kinds: [String: any StepKind]
  public var diagnostics: [Diagnostic]
  /// The plan's preflight section (`DomainInputs.preflight`); nil when no Kubernetes node is built.
  public var preflight: [String]? = nil

  /// What every plan of one inventory and playbook is made from.
  public struct Request {
    public var inventory: Inventory
    public var inventoryPath: String
    public var state: StateDirectory
    public var playbook: Playbook
    public var writePKI: Bool
    public var etcdFacts: EtcdClusterFacts
    public var kubernetesFacts: KubernetesClusterFacts
    public var restoreFrom: LocalArtifact?
    /// What each Kubernetes node showed of kubeadm's preflight; nil when the hosts were not asked.
    public var preflight: [HostID: NodePreflightFacts]?
    /// Each host's OpenSSH server (`OpenSSHVersions`); empty for an offline plan.
    public var openSSH: [String: OpenSSHVersion]

    public init(
      _ inventory: Inventory, inventoryPath: String, state: StateDirectory, playbook: Playbook, writePKI: Bool,
      etcdFacts: EtcdClusterFacts = .fresh, kubernetesFacts: KubernetesClusterFacts = .fresh, restoreFrom: LocalArtifact? = nil,
      preflight: [HostID: NodePreflightFacts]? = nil, openSSH: [String: OpenSSHVersion] = [:]
    ) {
      self.preflight = preflight
      self.openSSH = openSSH
      self.inventory = inventory
      self.inventoryPath = inventoryPath
      self.state = state
      self.playbook = playbook
      self.writePKI = writePKI
      self.etcdFacts = etcdFacts
      self.kubernetesFacts = kubernetesFacts
      self.restoreFrom = restoreFrom
    }

    var inventoryDirectory: String {
      let d = (inventoryPath as NSString).deletingLastPathComponent
      return d.isEmpty ? "." : d
    }
    var domains: Set<KindRegistry.Domain> {
      var d = KindRegistry.domains(used: playbook)
      if inventory.versions.kubernetes == nil { d.remove(.kubernetes) }
      return d
    }
  }

  /// One digest over every fact a plan was made from.
  public static func fingerprint(_ etcd: EtcdClusterFacts, _ kubernetes: KubernetesClusterFacts) -> String {
    kubernetes.exists ? kubernetes.fingerprint(with: etcd.fingerprint) : etcd.fingerprint
  }

  static func upgrades(_ playbook: Playbook) -> Bool {
    !KindRegistry.kindNames(playbook).isDisjoint(with: ["kubeadm.upgrade-control-plane", "kubelet.upgrade"])
  }

  public static func gather(_ r: Request) -> DomainInputs {
    let inv = r.inventory, domains = r.domains
    var diagnostics: [Diagnostic] = []
    var etcd: EtcdInputs?, kubernetes: KubernetesInputs?, hardening: HardeningInputs?
    if domains.contains(.hardening) { hardening = HardeningInputs(sshFrom: ControllerAddresses.sshFrom(inv), inventory: inv, openSSH: r.openSSH) }
    do {
      var etcdReport: PKIStore.AuthorityReport?
      if domains.contains(.etcd) {
        let (binaries, found) = EtcdArtifacts.resolve(inv, inventoryDirectory: r.inventoryDirectory)
        diagnostics += found
        let report = try etcdPKI(inv, state: r.state, write: r.writePKI)
        etcdReport = report
        etcd = EtcdInputs(binaries: binaries, pki: report, facts: r.etcdFacts,
          snapshotPath: r.state.newSnapshot(cluster: inv.name), restoreFrom: r.restoreFrom)
      }
      if domains.contains(.kubernetes), let target = inv.versions.kubernetes {
        for v in VersionSkew.check(r.kubernetesFacts, target: target, upgrading: upgrades(r.playbook)) {
          diagnostics.append(.error("version-skew", v.message, at: inv.sourceMap.location("spec.versions.kubernetes"),
            path: "spec.versions.kubernetes", hint: "Kubernetes' version-skew policy (\(v.rule))"))
        }
        diagnostics += KubernetesRequirements.check(inv)
        let report = try etcdReport ?? etcdPKI(inv, state: r.state, write: r.writePKI)
        let artifacts = KubernetesArtifacts.resolve(inv, inventoryDirectory: r.inventoryDirectory, stateDirectory: r.state.path)
        diagnostics += artifacts.diagnostics
        let files = try KubernetesState(stateDirectory: r.state.path).prepare(inv, write: r.writePKI)
        let client = report.leaves.first { $0.spec.name == EtcdCertificates.apiserverName }
        kubernetes = KubernetesInputs(
          artifacts: artifacts, files: files,
          etcdCA: LocalArtifact(path: report.certificatePath, sha256: report.certificateSHA256),
          etcdClientCertificate: LocalArtifact(path: client?.certificatePath ?? "?", sha256: client?.certificateSHA256),
          etcdClientKey: LocalArtifact(path: client?.keyPath ?? "?", sha256: client?.keySHA256),
          facts: r.kubernetesFacts, adminKubeconfig: r.state.adminKubeconfig)
      }
    } catch {
      diagnostics.append(.error("pki", "\(error)",
        hint: "the state dir is \(r.state.path); restore it from a backup rather than deleting it"))
    }
    let preflight = kubernetes == nil ? (lines: nil, diagnostics: []) : Self.preflight(r)
    return DomainInputs(kinds: KindRegistry.compose(etcd: etcd, kubernetes: kubernetes, hardening: hardening),
      diagnostics: diagnostics + preflight.diagnostics, preflight: preflight.lines)
  }

  static func etcdPKI(_ inv: Inventory, state: StateDirectory, write: Bool) throws -> PKIStore.AuthorityReport {
    try PKIStore(root: state.pki).reconcile(
      authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
      specs: EtcdCertificates.specs(EtcdLayout(inv)), write: write)
  }

  /// Gathers the inputs and plans. Invalid input (an inputs problem, a planner refusal) is an
  /// `OperationError` carrying every diagnostic; warnings go to `notices`.
  public static func plan(_ r: Request, notices: NoticeSink = { _ in }) throws(OperationError) -> Plan {
    let inputs = gather(r)
    if inputs.diagnostics.hasErrors { throw .invalid(inputs.diagnostics) }
    for d in inputs.diagnostics { notices(Notice(.warning, d.rendered)) }
    switch Planner(kinds: inputs.kinds, established: Set(r.kubernetesFacts.nodes.keys)).plan(r.inventory, playbook: r.playbook) {
    case .failure(let e): throw .invalid(e.diagnostics, code: .invalidPlaybook)
    case .success(var plan):
      plan.preflight = inputs.preflight
      return plan
    }
  }
}

/// Asks the Kubernetes nodes, read-only and in one round trip each, what kubeadm's preflight will
/// find (`NodePreflight`, every control plane and worker) and, on the control planes, what the
/// cluster runs (`KubernetesProbe`); the first control plane that answers with a cluster wins. No
/// answer means no cluster yet; when that is because control planes could not be asked or their
/// answers were refused, a warning names each one and why, since planning then builds a cluster
/// that may already exist.
public enum KubernetesFactsGatherer {
  public struct Gathered: Sendable {
    public var cluster: KubernetesClusterFacts = .fresh
    /// Per node that answered; nil when the inventory's minor has no requirements to check.
    public var preflight: [HostID: NodePreflightFacts]?
  }

  enum ClusterAnswer: Sendable {
    case facts(KubernetesClusterFacts)
    case refused(String)
  }

  public static func gather(_ inv: Inventory, fleet: Fleet, notices: NoticeSink = { _ in }) async -> Gathered {
    let requirements = inv.versions.kubernetes.flatMap { KubernetesRequirements.forVersion($0) }
    let nodes = inv.hosts.filter { $0.has(.controlPlane) || (requirements != nil && $0.has(.worker)) }
    let byName = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) })
    let outcomes = await fleet.run(on: nodes.map(\.name)) { host -> (NodePreflightFacts?, ClusterAnswer?) in
      guard let node = byName[host.id] else { return (nil, nil) }
      let controlPlane = node.has(.controlPlane)
      var script = requirements.map { NodePreflight.probe($0, host: node) + "\n" } ?? ""
      if controlPlane { script += "(\n\(KubernetesProbe.command)\n)" }
      let r = try await host.run(RemoteCommand(["sh", "-c", script]))
      let preflight = try requirements.map { _ in try NodePreflight.parse(r.stdoutText) }
      guard controlPlane else { return (preflight, nil) }
      guard r.succeeded else { return (preflight, .refused("the Kubernetes probe exited \(r.exitStatus): \(r.stderrTail)")) }
      let cluster = r.stdoutText.split(separator: "\n").filter { !$0.hasPrefix("preflight ") }.joined(separator: "\n")
      do { return (preflight, .facts(try KubernetesProbe.parse(cluster))) } catch { return (preflight, .refused(describe(error))) }
    }
    var gathered = Gathered(preflight: requirements == nil ? nil : [:])
    var failed: [(host: HostID, why: String)] = []
    for o in outcomes {
      switch o.result {
      case .success(let (preflight, answer)):
        if let preflight { gathered.preflight?[o.host] = preflight }
        switch answer {
        case .facts(let facts)? where facts.exists && !gathered.cluster.exists: gathered.cluster = facts
        case .refused(let why)?: failed.append((o.host, why))
        default: break
        }
      case .failure(let error):
        if byName[o.host]?.has(.controlPlane) == true { failed.append((o.host, describe(error))) }
      }
    }
    if !gathered.cluster.exists && !failed.isEmpty {
      notices(Notice(.warning, "warning: no control plane reported the Kubernetes cluster; planning as if there were none:\n"
        + failed.map { "  \($0.host): \($0.why)" }.joined(separator: "\n")))
    }
    return gathered
  }
}

/// Asks every etcd member host what it runs (read-only, one round trip each). Hosts that cannot be
/// reached are listed, not fatal: a dead member is exactly what `etcd replace` deals with.
public enum EtcdFactsGatherer {
  public static func gather(_ inv: Inventory, fleet: Fleet) async -> EtcdClusterFacts {
    let layout = EtcdLayout(inv)
    let probe = EtcdProbe.command(layout)
    let outcomes = await fleet.run(on: layout.members.map(\.name)) { host in
      let r = try await host.run(probe)
      guard r.succeeded else {
        throw OperationError(.failed, .factsUnavailable, "the etcd probe exited \(r.exitStatus): \(r.stderrTail)")
      }
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
