import Foundation
import Inventory
import Kubernetes
import TestSupport
import Testing
import Yams

/// The requirements data and what the renderer makes of it, checked against the upstream facts as
/// this test states them (each with its source), not against Bulwark's own output: if the data or
/// the renderer drift from upstream, these fail.
@Suite struct RequirementsTests {
  static let root = repositoryRoot()
  static let credentials = JoinCredentials(token: "abcdef.0123456789abcdef",
    caCertHash: "sha256:" + String(repeating: "ab", count: 32), certificateKey: String(repeating: "0f", count: 32))

  /// Upstream, per minor: the kubeadm APIs kubeadm reads (kubernetes/kubernetes#125029 made v1beta4
  /// the API in 1.31 and deprecated v1beta3; #136016 removed v1beta3 for 1.36).
  static let acceptedAPIs: [(minor: Int, apis: Set<String>)] = [
    (34, ["kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4"]),
    (35, ["kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4"]),
    (36, ["kubeadm.k8s.io/v1beta4"]),
    (37, ["kubeadm.k8s.io/v1beta4"]),
  ]

  static func hybrid(minor: Int, patch: Int = 0) throws -> Inventory {
    var inv = try #require(InventoryLoader().load(path: root + "/inventories/hybrid.yaml").inventory)
    inv.versions.kubernetes = Version("1.\(minor).\(patch)")
    return inv
  }

  /// Every kubeadm document the renderer writes for a cluster: init, a control-plane join, a worker join.
  static func kubeadmDocuments(_ inv: Inventory) throws -> [[String: Any]] {
    let config = KubeadmConfig(inv)
    let cps = inv.hosts(with: .controlPlane)
    let worker = try #require(inv.hosts(with: .worker).first)
    let text = [
      config.initConfiguration(for: cps[0], credentials: credentials),
      config.joinConfiguration(for: cps[1], controlPlane: true, credentials: credentials),
      config.joinConfiguration(for: worker, controlPlane: false, credentials: credentials),
    ].joined(separator: "\n---\n")
    return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
  }

  @Test(arguments: acceptedAPIs)
  func everyKubeadmDocumentUsesAnAPITheMinorReads(minor: Int, apis: Set<String>) throws {
    let docs = try Self.kubeadmDocuments(try Self.hybrid(minor: minor))
    let kubeadm = docs.compactMap { $0["apiVersion"] as? String }.filter { $0.hasPrefix("kubeadm.k8s.io/") }
    #expect(kubeadm.count == 4, "InitConfiguration, ClusterConfiguration and two JoinConfigurations: \(kubeadm)")
    for api in kubeadm { #expect(apis.contains(api), "1.\(minor) reads \(apis.sorted()), the renderer wrote \(api)") }
    #expect(KubernetesRequirements.forMinor(minor).map { Set($0.kubeadmAPIVersions) } == apis)
  }

  /// kube-apiserver flags gone by 1.34 (rancher/rke2#8136 and the kamaji docs fix #200 for v1.33's
  /// removal of the in-tree cloud provider flags) and feature gates removed upstream
  /// (RotateKubeletClientCertificate: kubernetes/kubernetes#91780, #97306; kubeadm's PublicKeysECDSA:
  /// #136016, 1.36).
  static let removedFlags = ["cloud-provider", "cloud-config"]
  static let removedGates: [(minor: Int, gates: [String])] = [
    (34, ["RotateKubeletClientCertificate"]), (35, ["RotateKubeletClientCertificate"]),
    (36, ["RotateKubeletClientCertificate", "PublicKeysECDSA"]), (37, ["RotateKubeletClientCertificate", "PublicKeysECDSA"]),
  ]

  @Test(arguments: removedGates)
  func noRemovedFlagOrFeatureGateIsRendered(minor: Int, gates: [String]) throws {
    let inv = try Self.hybrid(minor: minor)
    let docs = try Self.kubeadmDocuments(inv)
    let cluster = try #require(docs.first { $0["kind"] as? String == "ClusterConfiguration" })
    var args: [(String, String)] = []
    for component in ["apiServer", "controllerManager", "scheduler"] {
      let list = ((cluster[component] as? [String: Any])?["extraArgs"] as? [[String: Any]]) ?? []
      #expect(!list.isEmpty, "\(component) has extraArgs")
      args += list.compactMap { a in (a["name"] as? String).map { ($0, "\(a["value"] ?? "")") } }
    }
    for (name, value) in args {
      #expect(!Self.removedFlags.contains(name), "1.\(minor): --\(name) is gone from kube-apiserver")
      if name == "feature-gates" {
        for gate in gates { #expect(!value.contains(gate), "1.\(minor): feature gate \(gate) was removed") }
      }
    }
    let kubelet = try #require(docs.first { $0["kind"] as? String == "KubeletConfiguration" })
    let kubeletGates = (kubelet["featureGates"] as? [String: Any]) ?? [:]
    for gate in gates { #expect(kubeletGates[gate] == nil, "1.\(minor): the kubelet refuses the removed gate \(gate)") }
    let r = try #require(KubernetesRequirements.forMinor(minor))
    #expect(Set(r.removedFeatureGates) == Set(gates) && Set(r.removedAPIServerFlags) == Set(Self.removedFlags))
  }

  /// One golden per supported minor: init (with ClusterConfiguration and KubeletConfiguration) and
  /// the joins, so a change for one minor shows in its own file.
  @Test(arguments: [35, 36, 37])
  func kubeadmConfigurationPerMinorMatchesItsGolden(minor: Int) throws {
    let inv = try Self.hybrid(minor: minor, patch: 1)
    let config = KubeadmConfig(inv)
    let cps = inv.hosts(with: .controlPlane)
    let worker = try #require(inv.hosts(with: .worker).first)
    let text = config.initConfiguration(for: cps[0], credentials: Self.credentials)
      + "\n# --- join, control plane\n" + config.joinConfiguration(for: cps[1], controlPlane: true, credentials: Self.credentials)
      + "\n# --- join, worker\n" + config.joinConfiguration(for: worker, controlPlane: false, credentials: Self.credentials)
    if let diff = goldenMismatch(text, file: Self.root + "/Tests/KubernetesTests/Goldens/kubeadm/1.\(minor).yaml") {
      Issue.record("\(diff)")
    }
    #expect(text.contains("kubernetesVersion: v1.\(minor).1"))
  }

  /// Upstream: kubernetes.io/releases lists 1.35, 1.36 and 1.37 as supported at the end of 2026;
  /// 1.34 ended on 2026-10-27 and stays only as an upgrade source.
  @Test func theMinorsAreThoseUpstreamSupportsAndTheOneBefore() {
    #expect(KubernetesRequirements.all.map(\.minor) == [34, 35, 36, 37])
    #expect(KubernetesRequirements.all.map(\.endOfLife) == ["2026-10-27", "2027-02-28", "2027-06-28", "2027-10-28"])
  }

  /// A minor without requirements is refused, at the inventory's line and column.
  @Test func aMinorWithoutRequirementsIsRefusedAtItsPlace() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let text = try String(contentsOfFile: Self.root + "/inventories/hybrid.yaml", encoding: .utf8)
      .replacingOccurrences(of: "kubernetes: 1.36.4", with: "kubernetes: 1.31.2")
    let path = dir.path + "/old.yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let inv = try #require(InventoryLoader().load(path: path).inventory)
    let diagnostics = KubernetesRequirements.check(inv)
    let d = try #require(diagnostics.first)
    #expect(diagnostics.count == 1 && d.code == "kubernetes-minor-unsupported")
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("kubernetes: 1.31.2") }! + 1
    #expect(d.rendered.contains("old.yaml:\(line):17"), "\(d.rendered)")
    #expect(d.rendered.contains("1.34, 1.35, 1.36, 1.37"), "\(d.rendered)")
    #expect(KubernetesRequirements.check(try Self.hybrid(minor: 36)).isEmpty)
  }
}
