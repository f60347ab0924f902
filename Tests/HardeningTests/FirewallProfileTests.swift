import Foundation
import Inventory
import Support
import TestSupport
import Testing

@testable import Hardening

/// The host firewall from the CNI profile and the inventory: each profile's node-to-node traffic
/// as the upstream docs list it (Calico "Network requirements", Cilium "Firewall Rules"), NodePorts
/// only when asked for, pod traffic to the apiserver and the kubelet, and role sets that keep a
/// node's table the same size whatever the fleet's.
@Suite struct FirewallProfileTests {
  func inventory(cni: String, extra: String = "", workers: Int = 2) throws -> Inventory {
    var hosts = """
          - {name: e1, address: 10.1.0.11, site: a, roles: [etcd]}
          - {name: e2, address: 10.1.0.12, site: a, roles: [etcd]}
          - {name: e3, address: 10.2.0.13, site: b, roles: [etcd]}
          - {name: cp1, address: 10.1.0.21, site: a, roles: [control-plane]}
          - {name: cp2, address: 10.2.0.22, site: b, roles: [control-plane]}
          - {name: lb1, address: 10.1.0.5, site: a, roles: [lb]}

      """
    for i in 0..<workers { hosts += "    - {name: w\(i), address: 10.\(1 + i % 2).\(1 + i / 250).\(1 + i % 250), site: \(i % 2 == 0 ? "a" : "b"), roles: [worker]}\n" }
    hosts += "    - {name: w-nosite, address: 192.0.2.9, roles: [worker]}\n"
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: fw}
      spec:
        versions: {etcd: 3.5.1, kubernetes: 1.31.2}
        network: {podCIDR: 10.244.0.0/16}
        failureDomains: {acceptSiteQuorumLoss: true}
        sites: [{name: a, kind: onprem, cidr: 10.1.0.0/16}, {name: b, kind: onprem, cidr: 10.2.0.0/16}]
        endpoint: {mode: vip, address: 10.1.0.100, carriers: lb, interface: eth0}
        kubernetes:
          cni: \(cni)
      \(extra)
        hosts:
      \(hosts)
      """
    let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: "fw.yaml")
    let inv = try #require(loaded.inventory, "\(loaded.diagnostics.map(\.rendered))")
    let problems = (loaded.diagnostics + InventoryValidator(today: "2026-01-01").validate(inv)).filter { $0.severity == .error }
    #expect(problems.isEmpty, "\(problems.map(\.rendered))")
    return inv
  }

  func table(_ inv: Inventory, _ name: String) throws -> String {
    let host = try #require(inv.hosts.first { $0.name == name })
    return Firewall.render(for: host, in: inv, sshFrom: ["10.9.9.9"]).content
  }

  @Test func calicoIPIPOpensBGPAndIPinIPBetweenNodesOnly() throws {
    let inv = try inventory(cni: "{plugin: calico, version: 3.28.2}")
    #expect(inv.cniProfile?.id == .calicoIPIP)
    for node in ["w0", "cp1"] {
      let t = try table(inv, node)
      #expect(t.contains("tcp dport 179 ip saddr @kubernetes_nodes accept"), "\(t)")
      #expect(t.contains("meta l4proto 4 ip saddr @kubernetes_nodes accept"))
      #expect(!t.contains("4789") && !t.contains("5473") && !t.contains("8472"))
    }
    for other in ["e1", "lb1"] {
      let t = try table(inv, other)
      #expect(!t.contains("dport 179") && !t.contains("l4proto 4 "), "not a Kubernetes node: \(other)")
    }
  }

  @Test func calicoVXLANOpensUDP4789AndNoBGP() throws {
    let t = try table(try inventory(cni: "{plugin: calico, version: 3.28.2, mode: vxlan}"), "w1")
    #expect(t.contains("udp dport 4789 ip saddr @kubernetes_nodes accept"))
    #expect(!t.contains("dport 179"), "calico-vxlan.yaml runs no BIRD")
  }

  @Test func calicoTyphaOpens5473() throws {
    let inv = try inventory(cni: "{plugin: calico, version: 3.28.2, typha: true}")
    #expect(inv.cniProfile?.manifest.hasSuffix("manifests/calico-typha.yaml") == true)
    #expect(try table(inv, "w0").contains("tcp dport 5473 ip saddr @kubernetes_nodes accept"))
  }

  @Test func ciliumOpensVXLANHealthAndHubble() throws {
    let inv = try inventory(cni: "{plugin: cilium, version: 1.16.3}")
    let t = try table(inv, "w0")
    for m in ["udp dport 8472", "tcp dport 4240", "tcp dport 4244"] { #expect(t.contains("\(m) ip saddr @kubernetes_nodes accept"), "\(m)") }
    #expect(inv.cniProfile?.replacesKubeProxy == false && inv.needsKubeProxy)
    let free = try inventory(cni: "{plugin: cilium, version: 1.16.3, kubeProxyReplacement: true}")
    #expect(free.cniProfile?.replacesKubeProxy == true && !free.needsKubeProxy && free.cniProfile?.apiAccess == .endpointAddress)
  }

  @Test func nodePortsOpenOnlyWhenTheInventorySaysSo() throws {
    let closed = try table(try inventory(cni: "{plugin: calico, version: 3.28.2}"), "w0")
    #expect(!closed.contains("30000"))
    let inv = try inventory(cni: "{plugin: calico, version: 3.28.2}", extra: "    nodePorts: {from: [198.51.100.0/24]}")
    let open = try table(inv, "w0")
    #expect(open.contains("tcp dport 30000-32767 ip saddr { 198.51.100.0/24 } accept"))
    #expect(open.contains("udp dport 30000-32767 ip saddr { 198.51.100.0/24 } accept"))
    #expect(!(try table(inv, "e1")).contains("30000"), "only on Kubernetes nodes")
  }

  @Test func podsReachTheApiserverAndTheKubeletMasqueradedOrNot() throws {
    let inv = try inventory(cni: "{plugin: calico, version: 3.28.2}")
    let host = try #require(inv.hosts.first { $0.name == "cp1" })
    let rules = Firewall.rules(for: host, in: inv, peers: FirewallPeers(inv), sshFrom: ["10.9.9.9"])
    func admitted(_ port: Int, from address: String) -> Bool {
      rules.contains { $0.traffic.transport == .tcp(port) && $0.admits(HostAddress(address)!) }
    }
    // Not masqueraded: the pod's own address. Masqueraded: the address of the node it runs on.
    for port in [6443, 10250] {
      #expect(admitted(port, from: "10.244.7.3"), "a pod, unmasqueraded, on \(port)")
      #expect(admitted(port, from: "10.2.1.2"), "a worker (a masqueraded pod) on \(port)")
      #expect(admitted(port, from: "192.0.2.9"), "a worker outside any site CIDR on \(port)")
      #expect(!admitted(port, from: "203.0.113.7"), "nobody else on \(port)")
    }
    #expect(!admitted(2379, from: "10.244.7.3") && !admitted(22, from: "10.244.7.3"))
    let t = try table(inv, "cp1")
    #expect(t.contains("elements = { 10.244.0.0/16 }"))
  }

  @Test func etcdPeersAreTheMembersOnly() throws {
    let inv = try inventory(cni: "{plugin: calico, version: 3.28.2}")
    let t = try table(inv, "e1")
    #expect(t.contains("set etcd_members {\n    type ipv4_addr; flags interval; auto-merge;\n    elements = { 10.1.0.11, 10.1.0.12, 10.2.0.13 }\n  }"))
    #expect(t.contains("tcp dport 2380 ip saddr @etcd_members accept"))
    #expect(!t.contains("kubernetes_nodes") && !t.contains("cluster_hosts"), "an etcd member defines only the sets it uses")
  }

  /// A node's table names site CIDRs, not every node: its size does not grow with the fleet.
  @Test func aNodesTableIsTheSameSizeWhateverTheFleet() throws {
    let small = try table(try inventory(cni: "{plugin: calico, version: 3.28.2}", workers: 4), "w1")
    let large = try table(try inventory(cni: "{plugin: calico, version: 3.28.2}", workers: 800), "w1")
    #expect(small == large)
    #expect(small.contains("elements = { 10.1.0.0/16, 10.2.0.0/16, 192.0.2.9 }"), "\(small)")
  }

  @Test func unsupportedCombinationsAreErrorsAtTheirField() throws {
    for (cni, field, line) in [
      ("{plugin: cilium, version: 1.16.3, mode: ipip}", "spec.kubernetes.cni.mode", 10),
      ("{plugin: calico, version: 3.28.2, kubeProxyReplacement: true}", "spec.kubernetes.cni.kubeProxyReplacement", 10),
      ("{plugin: calico, version: 3.28.2, mode: vxlan, typha: true}", "spec.kubernetes.cni.typha", 10),
    ] {
      let text = """
        apiVersion: bulwark.dev/v1alpha1
        kind: Cluster
        metadata: {name: fw}
        spec:
          versions: {etcd: 3.5.1, kubernetes: 1.31.2}
          hosts:
            - {name: cp1, address: 10.1.0.21, roles: [control-plane, etcd]}
          etcd: {topology: stacked, allowSingleMember: true}
          kubernetes:
            cni: \(cni)
        """
      let inv = try #require(InventoryLoader().load(bytes: Array(text.utf8), file: "fw.yaml").inventory)
      let d = InventoryValidator(today: "2026-01-01").validate(inv).filter { $0.code == "unsupported-cni" }
      #expect(d.count == 1 && d.first?.path == field, "\(cni): \(d.map(\.rendered))")
      #expect(d.first?.location?.file == "fw.yaml" && d.first?.location?.line == line && (d.first?.location?.column ?? 0) > 1)
    }
  }

  @Test func aBadNodePortSourceIsReportedAtItsPlace() throws {
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: fw}
      spec:
        versions: {etcd: 3.5.1}
        hosts: [{name: e1, address: 10.1.0.11, roles: [etcd]}]
        kubernetes:
          nodePorts:
            from: [10.0.0.0/8, ten-slash-eight]
      """
    let d = InventoryLoader().load(bytes: Array(text.utf8), file: "fw.yaml").diagnostics.filter { $0.code == "invalid-cidr" }
    #expect(d.count == 1 && d.first?.location?.line == 9, "\(d.map(\.rendered))")
  }
}
