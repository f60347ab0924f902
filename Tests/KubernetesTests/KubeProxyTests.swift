import Foundation
import Inventory
import Kubernetes
import TestSupport
import Testing
import Yams

/// kube-proxy is kubeadm's add-on (phase `addon/kube-proxy`, cmd/kubeadm/app/cmd/phases/init/addons.go)
/// unless the CNI profile handles Services itself. Without either, ClusterIP Services, the
/// `kubernetes` Service that in-cluster clients use among them, have no data path (issue 14, finding 4).
@Suite struct KubeProxyTests {
  static let root = repositoryRoot()
  static let credentials = JoinCredentials(token: "abcdef.0123456789abcdef",
    caCertHash: "sha256:" + String(repeating: "ab", count: 32), certificateKey: String(repeating: "0f", count: 32))

  func initConfiguration(_ cni: CNI??) throws -> [String: Any] {
    var inv = try #require(InventoryLoader().load(path: Self.root + "/inventories/hybrid.yaml").inventory)
    if let cni { inv.kubernetes.cni = cni }
    let cp = try #require(inv.hosts(with: .controlPlane).first)
    let text = KubeadmConfig(inv).initConfiguration(for: cp, credentials: Self.credentials)
    let docs = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    return try #require(docs.first { $0["kind"] as? String == "InitConfiguration" })
  }

  func skipsKubeProxy(_ doc: [String: Any]) -> Bool {
    (doc["skipPhases"] as? [String] ?? []).contains("addon/kube-proxy")
  }

  @Test func theHybridSampleKeepsKubeProxy() throws {
    // Calico 3.28 from manifests/calico.yaml: nothing there replaces kube-proxy.
    #expect(!skipsKubeProxy(try initConfiguration(.none)))
  }

  @Test(arguments: [CNIMode.ipip, .vxlan]) func calicoKeepsKubeProxy(mode: CNIMode) throws {
    let doc = try initConfiguration(CNI(plugin: .calico, version: Version("3.28.2")!, mode: mode))
    #expect(!skipsKubeProxy(doc), "Calico's manifests rely on kube-proxy for the kubernetes Service")
  }

  @Test func ciliumWithoutReplacementKeepsKubeProxy() throws {
    #expect(!skipsKubeProxy(try initConfiguration(CNI(plugin: .cilium, version: Version("1.16.3")!))))
  }

  @Test func noCNIKeepsKubeProxy() throws {
    #expect(!skipsKubeProxy(try initConfiguration(.some(nil))))
  }

  @Test func ciliumsReplacementSkipsKubeProxy() throws {
    let doc = try initConfiguration(CNI(plugin: .cilium, version: Version("1.16.3")!, kubeProxyReplacement: true))
    #expect(skipsKubeProxy(doc))
  }
}
