import Foundation
import Inventory
import Support
import TestSupport
import Testing

@testable import Hardening

/// `bulwark netpol hosts`: the host matrix is read off the same rules the nftables table is
/// rendered from, so each line here is a set of `accept` rules in the destination's table.
@Suite struct HostMatrixTests {
  static let controller = "192.0.2.250"

  func load(_ text: String, file: String = "hm.yaml") throws -> Inventory {
    let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: file)
    return try #require(loaded.inventory, "\(loaded.diagnostics.map(\.rendered))")
  }

  func matrix(_ inv: Inventory) -> String {
    let sshFrom = Dictionary(uniqueKeysWithValues: inv.hosts.map { ($0.name, [Self.controller]) })
    return HostMatrix.flows(inv, sshFrom: sshFrom).map { $0.line + "\n" }.joined()
  }

  /// Three etcd members, one control plane, one worker, NodePorts open to one network.
  let fixture = """
    apiVersion: bulwark.dev/v1alpha1
    kind: Cluster
    metadata: {name: hm}
    spec:
      versions: {etcd: 3.5.30, kubernetes: 1.36.4}
      network: {podCIDR: 10.244.0.0/16}
      kubernetes:
        cni: {plugin: calico, version: 3.28.2, mode: vxlan}
        nodePorts: {from: [198.51.100.0/24]}
      hosts:
        - {name: e1, address: 10.0.0.11, roles: [etcd]}
        - {name: e2, address: 10.0.0.12, roles: [etcd]}
        - {name: e3, address: 10.0.0.13, roles: [etcd]}
        - {name: cp, address: 10.0.0.21, roles: [control-plane]}
        - {name: w, address: 10.0.0.31, roles: [worker]}
    """

  @Test func fixtureMatchesItsGolden() throws {
    let text = matrix(try load(fixture))
    #expect(goldenMismatch(text, file: repositoryRoot() + "/Tests/HardeningTests/Goldens/hostmatrix/fixture.txt") == nil)
  }

  @Test func sampleInventoriesMatchTheirGoldens() throws {
    for name in ["single", "hybrid"] {
      let path = repositoryRoot() + "/inventories/\(name).yaml"
      let loaded = InventoryLoader().load(path: path)
      let inv = try #require(loaded.inventory, "\(loaded.diagnostics.map(\.rendered))")
      let mismatch = goldenMismatch(matrix(inv), file: repositoryRoot() + "/Tests/HardeningTests/Goldens/hostmatrix/\(name).txt")
      #expect(mismatch == nil, "\(mismatch ?? "")")
    }
  }

  @Test func portsFollowTheRoles() throws {
    let flows = HostMatrix.flows(try load(fixture), sshFrom: [:])
    func ports(_ src: String, _ dst: String) -> String {
      flows.first { $0.source == .host(src) && $0.destination == dst }?.ports.description ?? "none"
    }
    // Peers and clients of etcd, joined into one range; SSH from anywhere (no controller known).
    #expect(ports("e1", "e2") == "TCP 22,TCP 2379-2380")
    // A control plane is an etcd client, not a peer.
    #expect(ports("cp", "e1") == "TCP 22,TCP 2379")
    // A worker reaches the apiserver and the kubelet, never etcd.
    #expect(ports("w", "e1") == "TCP 22")
    #expect(ports("w", "cp").contains("TCP 6443"))
    #expect(ports("w", "cp").contains("TCP 10250"))
    // The NodePort range is opened to the inventory's network only, not to the nodes.
    #expect(!ports("cp", "w").contains("30000-32767"))
    let external = flows.filter { $0.source == .external("198.51.100.0/24") }.map(\.destination).sorted()
    #expect(external == ["cp", "w"])
    #expect(flows.contains { $0.source == .external(HostMatrix.anywhere) && $0.ports.description == "TCP 22" })
    #expect(!flows.contains { $0.source == .host($0.destination) })
  }

  @Test func everyMatrixPortHasAnAcceptRuleInTheRenderedTable() throws {
    let inv = try load(fixture)
    let peers = FirewallPeers(inv)
    for flow in HostMatrix.flows(inv, sshFrom: [:]) {
      let host = try #require(inv.hosts.first { $0.name == flow.destination })
      let table = Firewall.render(for: host, in: inv, peers: peers, sshFrom: []).content
      for r in flow.ports.tcp { #expect(table.contains("tcp dport \(r.lowerBound)"), "\(flow.line)") }
      for r in flow.ports.udp { #expect(table.contains("udp dport \(r.lowerBound)"), "\(flow.line)") }
    }
  }

  @Test func aSiteCIDRInTheNodeSetIsAnExternalSource() throws {
    // kubernetes_nodes admits a site's whole CIDR: any machine there reaches the kubelet, and the
    // matrix says so instead of showing only the inventory's hosts.
    let text = fixture.replacingOccurrences(of: "spec:\n", with: "spec:\n  sites: [{name: dc, kind: onprem, cidr: 10.0.0.0/24}]\n")
      .replacingOccurrences(of: "roles: [", with: "site: dc, roles: [")
    let flows = HostMatrix.flows(try load(text), sshFrom: [:])
    let site = flows.filter { $0.source == .external("10.0.0.0/24") }
    #expect(site.map(\.destination) == ["cp", "w"])
    #expect(site.allSatisfy { $0.ports.description == "TCP 10250,UDP 4789" }, "\(site.map(\.line))")
    // The etcd members are in that CIDR too, so they reach the worker's kubelet.
    #expect(flows.contains { $0.source == .host("e1") && $0.destination == "w" && $0.ports.admits(.tcp, 10250) })
  }

  @Test func portsMergeAndPrintInListOrder() {
    var p = HostPorts()
    for t: NodeTraffic.Transport in [.udp(4789), .tcp(2380), .ipProtocol(112), .tcp(22), .tcp(2379), .tcpRange(30000, 32767), .tcp(30001)] {
      p.add(t)
    }
    #expect(p.description == "TCP 22,TCP 2379-2380,TCP 30000-32767,UDP 4789,IPPROTO 112")
    #expect(p.admits(.tcp, 2380) && !p.admits(.udp, 2380) && p.admits(.udp, 4789) && p.admits(.ip, 112) && !p.admits(.ip, 4))
  }

  @Test(arguments: ["listener", "prober"]) func probeProgramsMatchTheirGoldens(name: String) {
    let text = name == "listener" ? HostMatrixScripts.listener() : HostMatrixScripts.prober()
    let mismatch = goldenMismatch(text, file: repositoryRoot() + "/Tests/HardeningTests/Goldens/hostmatrix/\(name).py")
    #expect(mismatch == nil, "\(mismatch ?? "")")
  }

  @Test func everyPairIsProbedOnEveryPortTheMatrixNames() throws {
    let inv = try load(fixture)
    let flows = HostMatrix.flows(inv, sshFrom: [:])
    let points = HostMatrixProbes.universe(flows).map { "\($0.0.listName) \($0.1)" }
    // Range ends (the NodePort range, open to the external network only) and a closed port each.
    #expect(points == ["TCP 22", "TCP 2379", "TCP 2380", "TCP 6443", "TCP 10250", "TCP 30000", "TCP 32767", "TCP 40999",
                       "UDP 4789", "UDP 30000", "UDP 32767", "UDP 40998"])
    let probes = HostMatrixProbes.plan(flows, inv)
    #expect(probes.count == 5 * 4 * points.count)
    let e1e2 = probes.filter { $0.source == "e1" && $0.destination == "e2" }
    #expect(e1e2.filter(\.admitted).map(\.spec) == ["tcp/10.0.0.12/22", "tcp/10.0.0.12/2379", "tcp/10.0.0.12/2380"])
    let wcp = probes.filter { $0.source == "w" && $0.destination == "cp" && $0.admitted }.map { "\($0.proto.listName) \($0.port)" }
    #expect(wcp == ["TCP 22", "TCP 6443", "TCP 10250", "UDP 4789"])
    // What every line admits is probed as admitted; nothing else is.
    for p in probes {
      let line = flows.first { $0.source == .host(p.source) && $0.destination == p.destination }
      #expect(p.admitted == (line?.ports.admits(p.proto, p.port) ?? false))
    }
    #expect(HostMatrixProbes.listenerPorts(probes, destination: "w") == ["22,2379,2380,6443,10250,30000,32767,40999", "4789,30000,32767,40998", ""])
  }

  @Test func theVerdictTellsDroppedFromRefusedAndReadsUDPAndIPAtTheListener() {
    func probe(_ proto: PortProbe.Proto, _ port: Int, _ admitted: Bool) -> PortProbe {
      PortProbe(source: "a", destination: "b", address: "10.0.0.2", proto: proto, port: port, admitted: admitted)
    }
    let probes = [probe(.tcp, 2379, true), probe(.tcp, 2380, true), probe(.tcp, 6443, false), probe(.tcp, 10250, false),
                  probe(.udp, 4789, true), probe(.udp, 40998, false), probe(.udp, 53, true), probe(.ip, 112, true), probe(.ip, 4, false),
                  probe(.udp, 8472, false)]
    let prober = ["a": "tcp 10.0.0.2 2379 open\ntcp 10.0.0.2 2380 dropped\ntcp 10.0.0.2 6443 dropped\ntcp 10.0.0.2 10250 refused\n"
      + "udp 10.0.0.2 4789 sent\nudp 10.0.0.2 40998 sent\nudp 10.0.0.2 53 sent\nip 10.0.0.2 112 sent\nip 10.0.0.2 4 sent\n"
      + "udp 10.0.0.2 8472 refused\n", "b": ""]
    // 40998 arrived from another address than a's: it is not a's packet.
    let listener = ["b": "busy udp 53\ngot udp 4789 10.0.0.1\ngot udp 40998 10.0.0.9\ngot ip 112 10.0.0.1\ndone\n", "a": ""]
    let addressed = probes + [PortProbe(source: "b", destination: "a", address: "10.0.0.1", proto: .tcp, port: 1, admitted: false)]
    let results = HostMatrixProbes.judge(addressed, prober: prober, listener: listener).filter { $0.probe.source == "a" }
    #expect(results.map(\.observed) == ["open", "dropped", "dropped", "refused", "delivered", "not delivered", "unobservable",
                                        "delivered", "not delivered", "refused"])
    #expect(results.map(\.agrees) == [true, false, true, false, true, true, true, true, true, false])
    #expect(results[1].line == "a[Host] => b[Host] : TCP 2380: expected open, observed dropped")
    #expect(results[3].line == "a[Host] => b[Host] : TCP 10250: expected dropped, observed refused")
    let missing = HostMatrixProbes.judge([probe(.tcp, 22, true)], prober: [:], listener: [:])
    #expect(missing.map(\.agrees) == [false] && missing[0].observed == "no answer from the prober")
  }
}
