import Foundation
import Kubernetes
import PlanFixtures
import Inventory
import Planning
import TestSupport
import Testing

/// The Kubernetes layer's plans on the hybrid sample, with the real Kubernetes kinds (etcd's stay
/// described): bootstrap, upgrade and scale, golden-tested; and the version-skew rules as a table.
@Suite struct KubernetesPlanTests {
  static let root = repositoryRoot()

  func hybrid(extraWorker: Bool = false) throws -> Inventory { try HybridSample.load(extraWorker: extraWorker) }

  /// Artifacts with fixed digests, as a filled cache would give; secrets not made yet.
  func inputs(_ facts: KubernetesClusterFacts) -> KubernetesInputs {
    var artifacts = KubernetesArtifacts()
    let digest = String(repeating: "5", count: 64)
    for name in KubernetesArtifacts.binaries {
      artifacts.binaries[name] = LocalArtifact(path: "cache/kubernetes/v1.36.4/\(name)", sha256: digest)
    }
    artifacts.containerdPackages = ["containerd_2.1.9+ds1-5_amd64.deb", "runc_1.1.5+ds1-1+deb12u1_amd64.deb"].map {
      LocalArtifact(path: "cache/containerd/v2.1.9/\($0)", sha256: digest)
    }
    artifacts.cniManifest = LocalArtifact(path: "cache/cni/calico-v3.28.2.yaml", sha256: digest)
    var inputs = KubernetesInputs.placeholder
    inputs.artifacts = artifacts
    inputs.facts = facts
    return inputs
  }

  func plan(_ inv: Inventory, _ playbook: String, facts: KubernetesClusterFacts = .fresh) throws -> Plan {
    let book = try PlaybookLoader().load(path: Self.root + "/playbooks/\(playbook).yaml").get()
    // The one registry users get (every domain's real kinds), with these Kubernetes inputs.
    var kinds = try PlanFixtures.registry(inv, kubernetesFacts: facts)
    kinds.merge(KubernetesKinds.all(inputs(facts))) { _, these in these }
    return try Planner(kinds: kinds, established: Set(facts.nodes.keys)).plan(inv, playbook: book).get()
  }

  func golden(_ text: String, _ name: String) {
    if let diff = goldenMismatch(text, file: Self.root + "/Tests/KubernetesTests/Goldens/plans/\(name)") { Issue.record("\(diff)") }
  }

  /// Every node of the inventory at `version`.
  func running(_ inv: Inventory, _ version: String, except: Set<String> = [], extra: [String] = []) -> KubernetesClusterFacts {
    let v = Version(version)!
    var nodes: [String: Version] = [:]
    for h in inv.hosts where (h.has(.controlPlane) || h.has(.worker)) && !except.contains(h.name) { nodes[h.name] = v }
    for n in extra { nodes[n] = v }
    return KubernetesClusterFacts(apiServerVersion: v, nodes: nodes)
  }

  @Test func bootstrapInitsJoinsThenAddsTheCNI() throws {
    let p = try plan(try hybrid(), "bootstrap")
    golden(p.renderedText(), "hybrid-bootstrap.txt")
    let init_ = try #require(p.step("control-planes/cp-dc1/init"))
    guard case .command(let argv, let unless) = init_.operation else { Issue.record("init is not a command"); return }
    #expect(argv == ["/usr/local/bin/kubeadm", "init", "--config", "/etc/kubernetes/bulwark/kubeadm.yaml", "--upload-certs"])
    #expect(unless == ["test", "-f", "/etc/kubernetes/admin.conf"])
    // The second control plane joins only after the first's gates; workers after every control plane.
    #expect(p.step("control-planes/cp-dc2/pki-dir")?.dependsOn.contains("control-planes/cp-dc1/endpoint-ready") == true)
    let workers = try #require(p.phases.first { $0.name == "workers" })
    #expect(workers.batches == [["worker-dc1-1"], ["worker-dc2-1"], ["worker-aws-1"], ["worker-aws-2"]])
    #expect(p.step("cluster-addons/cp-dc1/cni") != nil && p.step("cluster-addons/cp-dc2/cni") == nil)
    // The lb hosts carry keepalived and haproxy; the cloud control plane uses its load balancer,
    // which its gate checks.
    #expect(p.step("api-endpoint/lb-dc1-a/keepalived-running") != nil)
    #expect(p.steps.filter { $0.phase == "api-endpoint" && $0.host == "cp-aws" }.isEmpty)
    #expect(p.step("control-planes/cp-aws/endpoint-ready")?.summary.contains("k8s-api.aws.example.com:6443") == true)
  }

  /// Real secrets, made in a temporary state dir: the files carry them, the plan names the files by
  /// digest and holds none of them.
  @Test func aPlanNeverHoldsASecret() throws {
    let inv = try hybrid()
    let state = NSTemporaryDirectory() + "bulwark-k8s-state-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let files = try KubernetesState(stateDirectory: state).prepare(inv, write: true)
    var inputs = inputs(.fresh)
    inputs.files = files
    let book = try PlaybookLoader().load(path: Self.root + "/playbooks/bootstrap.yaml").get()
    var kinds = try PlanFixtures.registry(inv)
    kinds.merge(KubernetesKinds.all(inputs)) { _, these in these }
    let json = try Planner(kinds: kinds).plan(inv, playbook: book).get().renderedJSON()
    let token = try String(contentsOfFile: state + "/kubernetes/token", encoding: .utf8)
    let pass = try String(contentsOfFile: state + "/kubernetes/vrrp-pass", encoding: .utf8)
    let encryption = try String(contentsOfFile: state + "/kubernetes/encryption-config", encoding: .utf8)
    let key = try #require(encryption.split(separator: "\n").first { $0.contains("secret:") }?.split(separator: " ").last)
    let kubeadm = try String(contentsOfFile: state + "/kubernetes/kubeadm/cp-dc1.yaml", encoding: .utf8)
    #expect(kubeadm.contains(token) && kubeadm.contains("caCertHashes") == false && kubeadm.contains("certificateKey"))
    for secret in [token, pass, String(key)] {
      #expect(!secret.isEmpty && !json.contains(secret))
    }
    #expect(json.contains(files["kubeadm/cp-dc1.yaml"].sha256 ?? "no digest"))
    let mode = try FileManager.default.attributesOfItem(atPath: state + "/kubernetes/token")[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func upgradeGoesEtcdThenFirstControlPlaneThenOthersThenWorkerBatches() throws {
    let inv = try hybrid()
    let p = try plan(inv, "upgrade", facts: running(inv, "1.35.2"))
    golden(p.renderedText(), "hybrid-upgrade.txt")
    #expect(p.phases.map(\.name) == ["snapshot", "etcd-binaries", "etcd-upgrade", "control-plane-upgrade", "site-proxies", "worker-upgrade"])
    #expect(p.step("site-proxies/cp-dc1/site-proxies") != nil)
    let cp = try #require(p.phases.first { $0.name == "control-plane-upgrade" })
    #expect(cp.batches == [["cp-dc1"], ["cp-dc2"], ["cp-aws"]])
    #expect(p.step("control-plane-upgrade/cp-dc1/upgrade-apply") != nil)
    #expect(p.step("control-plane-upgrade/cp-dc2/upgrade-node")?.dependsOn == ["control-plane-upgrade/cp-dc2/kubeadm"])
    #expect(p.step("control-plane-upgrade/cp-dc2/kubeadm")?.dependsOn == ["control-plane-upgrade/cp-dc1/endpoint-ready"])
    // 25% of four workers: one at a time; drained and uncordoned from the first control plane.
    let workers = try #require(p.phases.first { $0.name == "worker-upgrade" })
    #expect(workers.ordering == "disruption-budget" && workers.batches.allSatisfy { $0.count == 1 })
    let drain = try #require(p.step("worker-upgrade/worker-dc1-1/drain"))
    #expect(drain.host == "cp-dc1" && drain.summary.contains("timeout 300s"))
    #expect(p.step("worker-upgrade/worker-dc1-1/kubelet")?.host == "worker-dc1-1")
    // Nodes already on the version plan nothing: a stopped upgrade continues where it stopped.
    let partway = running(inv, "1.35.2", except: ["cp-dc1"])
    var facts = partway
    facts.nodes["cp-dc1"] = Version("1.36.4")!
    let resumed = try plan(inv, "upgrade", facts: facts)
    #expect(resumed.steps.filter { $0.id.hasPrefix("control-plane-upgrade/cp-dc1/") && $0.kind != "kubernetes.apiserver-gate" }.isEmpty)
  }

  @Test func addingAWorkerPlansThatWorkerOnlyAndRemovingOneDrainsAndDeletesIt() throws {
    let inv = try hybrid(extraWorker: true)
    let facts = running(inv, "1.36.4", except: ["worker-dc1-2"], extra: ["worker-old"])
    let p = try plan(inv, "scale", facts: facts)
    golden(p.renderedText(), "hybrid-scale.txt")
    let touched = Set(p.steps.filter { $0.phase != "firewall" && $0.operation != .barrier }.map(\.host))
    #expect(touched == ["worker-dc1-2", "cp-dc1"])
    #expect(p.steps.filter { $0.host == "cp-dc1" && $0.phase != "firewall" }.map(\.id)
      == ["join-token/cp-dc1/bulwark-dir", "join-token/cp-dc1/token-file", "join-token/cp-dc1/token", "node-remove/cp-dc1/remove-worker-old"])
    #expect(p.step("workers/worker-dc1-2/join") != nil)
    // Every firewall learns the new node's address.
    #expect(p.step("firewall/cp-dc1/firewall")?.summary.contains("nftables") == true)
  }

  @Test func aLocalProxyRunsHaproxyOnEveryWorkerOnly() throws {
    let text = try String(contentsOfFile: Self.root + "/inventories/hybrid.yaml", encoding: .utf8)
      .replacingOccurrences(of: "    mode: vip\n    address: 10.10.0.100\n    port: 6443\n    carriers: lb\n    interface: eth0\n",
        with: "    mode: localProxy\n")
    let inv = try #require(InventoryLoader().load(bytes: Array(text.utf8), file: "hybrid.yaml").inventory)
    let p = try plan(inv, "bootstrap")
    let proxies = Set(p.steps.filter { $0.id.hasSuffix("/haproxy-config") }.map(\.host))
    // The AWS workers keep their site's load balancer; the on-prem workers get a local haproxy.
    #expect(proxies == ["worker-dc1-1", "worker-dc2-1"])
    guard case .file(_, let content, _, _, _) = try #require(p.step("api-endpoint/worker-dc1-1/haproxy-config")).operation else { return }
    #expect(content.contains("bind 127.0.0.1:6443"))
    #expect(p.steps.filter { $0.id.contains("keepalived") }.isEmpty)
  }

  @Test(arguments: [
    // (running, kubelets, target, upgrading, rules broken)
    ("1.30.5", ["1.30.5"], "1.31.2", true, [String]()),
    ("1.30.5", ["1.30.5"], "1.30.5", false, []),
    ("1.30.5", ["1.30.5"], "1.30.7", true, []),
    ("1.30.5", ["1.30.5"], "1.30.7", false, ["upgrade-with-upgrade"]),
    ("1.30.5", ["1.30.5"], "1.32.0", true, ["one-minor-at-a-time"]),
    ("1.31.2", ["1.31.2"], "1.30.5", true, ["no-downgrade"]),
    ("1.31.2", ["1.31.2"], "2.0.0", true, ["one-minor-at-a-time"]),
    ("1.30.5", ["1.31.0"], "1.31.2", true, ["kubelet-not-newer"]),
    ("1.30.5", ["1.27.3"], "1.31.2", true, ["kubelet-skew"]),
    ("1.30.5", ["1.28.3"], "1.31.2", true, []),
  ])
  func versionSkew(running: String, kubelets: [String], target: String, upgrading: Bool, broken: [String]) {
    var nodes: [String: Version] = [:]
    for (i, k) in kubelets.enumerated() { nodes["node-\(i)"] = Version(k)! }
    let facts = KubernetesClusterFacts(apiServerVersion: Version(running)!, nodes: nodes)
    #expect(VersionSkew.check(facts, target: Version(target)!, upgrading: upgrading).map(\.rule) == broken)
  }

  @Test func aFreshClusterHasNoSkew() {
    #expect(VersionSkew.check(.fresh, target: Version("1.31.2")!, upgrading: false).isEmpty)
  }

  @Test func theProbeReadsServerAndNodeVersions() throws {
    let facts = try KubernetesProbe.parse("server v1.30.5\nnode cp-1 v1.30.5\nnode w-1 v1.29.9+k3s1\n")
    #expect(facts.apiServerVersion == Version("1.30.5"))
    #expect(facts.nodes == ["cp-1": Version("1.30.5")!, "w-1": Version("1.29.9")!])
    #expect(try KubernetesProbe.parse("none\n") == .fresh)
  }
}
