import Foundation
import Inventory
import TestSupport
import Testing

/// The API endpoint's rules on the inventory model, which the kinds, the firewall, the report and
/// the validator all use: which endpoint serves a host, who carries a VIP, and the address dialled.
@Suite struct EndpointRulesTests {
  static let root = repositoryRoot()

  func load(_ file: String, _ edit: (String) -> String = { $0 }) throws -> Inventory {
    let text = edit(try String(contentsOfFile: Self.root + "/inventories/\(file)", encoding: .utf8))
    let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: file)
    return try #require(loaded.inventory, "\(loaded.diagnostics)")
  }

  func host(_ inv: Inventory, _ name: String) throws -> ClusterHost {
    try #require(inv.hosts.first { $0.name == name })
  }

  @Test func aHostUsesItsSiteEndpointElseTheMainOne() throws {
    let inv = try load("hybrid.yaml")
    #expect(inv.endpoint(for: try host(inv, "worker-aws-1"))?.mode == .loadBalancer)
    #expect(inv.endpoint(for: try host(inv, "worker-dc1-1"))?.mode == .vip)
    #expect(inv.endpoint(servingSite: nil)?.mode == .vip)
    #expect(inv.apiEndpointAddress == "10.10.0.100:6443")
    #expect(inv.apiEndpointAddress(for: try host(inv, "worker-aws-1")) == "k8s-api.aws.example.com:6443")
    #expect(inv.apiEndpointAddress(for: try host(inv, "worker-dc1-1")) == "10.10.0.100:6443")
  }

  /// docs/inventory.md: `carriers` defaults to `lb` when lb hosts exist, else the control planes.
  @Test func theVIPCarriersDefaultToTheLBHostsWhenThereAreAny() throws {
    let inv = try load("hybrid.yaml") { $0.replacingOccurrences(of: "    carriers: lb\n", with: "") }
    let e = try #require(inv.endpoint)
    #expect(e.carriers == nil)
    #expect(e.carrierRole(in: inv) == .lb)
    #expect(e.carrierRole(lbHostsExist: false) == .controlPlane)
    #expect(inv.vipCarriers(of: e).map(\.name) == inv.hosts(with: .lb).map(\.name))
    #expect(!inv.hosts(with: .lb).isEmpty)
    let site = try #require(inv.siteEndpoints.first)
    #expect(inv.vipCarriers(of: site).isEmpty, "a load balancer has no VIP carriers")
  }

  @Test func aLocalProxyIsDialledOnLoopback() throws {
    let inv = try load("hybrid.yaml") {
      $0.replacingOccurrences(of: "    mode: vip\n    address: 10.10.0.100\n    port: 6443\n    carriers: lb\n    interface: eth0\n",
        with: "    mode: localProxy\n")
    }
    #expect(inv.apiEndpointAddress == "127.0.0.1:6443")
    #expect(inv.apiEndpointAddress(for: try host(inv, "worker-dc1-1")) == "127.0.0.1:6443")
  }

  @Test func withoutAnEndpointTheSingleControlPlaneIsDialledDirectly() throws {
    let inv = try load("single.yaml")
    #expect(inv.endpoint == nil)
    #expect(inv.apiEndpointAddress == "192.168.56.10:6443")
  }

  @Test func anIPv6AddressIsBracketedInHostPort() throws {
    #expect(try #require(HostAddress("fd00::11")).urlHost == "[fd00::11]")
    #expect(try #require(HostAddress("10.0.0.1")).urlHost == "10.0.0.1")
    #expect(try #require(HostAddress("api.example.com")).urlHost == "api.example.com")
  }
}
