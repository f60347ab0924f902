import Inventory
import Support
import Testing

@Suite struct InventoryDecodingTests {
  func load(_ text: String) -> InventoryLoader.Loaded {
    InventoryLoader().load(bytes: Array(text.utf8), file: "inv.yaml")
  }

  let minimal = """
    apiVersion: bulwark.dev/v1alpha1
    kind: Cluster
    metadata:
      name: lab
    spec:
      versions:
        etcd: 3.5.1
      hosts:
        - {name: e1, address: 10.0.0.1, roles: [etcd]}
        - {name: e2, address: 10.0.0.2, roles: [etcd]}
        - {name: e3, address: 10.0.0.3, roles: [etcd], port: 2222, user: ops}
    """

  @Test func defaultsAreSecure() throws {
    let loaded = load(minimal)
    #expect(loaded.diagnostics.isEmpty)
    let inv = try #require(loaded.inventory)
    #expect(inv.ssh.hostKeyPolicy == .strict)
    #expect(inv.hardening.profile == .cis)
    #expect(inv.etcd.topology == .external)
    #expect(inv.ssh.concurrency == 50)
    #expect(inv.network.podCIDR.description == "10.244.0.0/16")
    #expect(inv.hosts[2].port == 2222 && inv.hosts[2].user == "ops")
    #expect(inv.hosts[0].user == "root")
  }

  @Test func everyProblemIsReportedAtOnce() {
    let text = minimal.replacingOccurrences(of: "etcd: 3.5.1", with: "etcd: 3.5.1\n    kubernetes: one")
      .replacingOccurrences(of: "port: 2222", with: "port: 0, colour: blue")
    let codes = load(text).diagnostics.map(\.code).sorted()
    #expect(codes == ["invalid-version", "unknown-field", "wrong-type"])
  }

  /// Host names are checked on their bytes: only lowercase ASCII letters, digits and inner `-`.
  @Test(arguments: [
    ("e-1", true), ("0a", true), (String(repeating: "a", count: 63), true),
    ("E1", false), ("-e1", false), ("e1-", false), ("e_1", false), ("e.1", false), ("w\u{00F6}rker", false),
    ("e\u{0301}", false), ("\u{FF45}1", false), (String(repeating: "a", count: 64), false),
  ])
  func hostNamesAreDNSLabels(name: String, valid: Bool) {
    let text = minimal.replacingOccurrences(of: "name: e2,", with: "name: \"\(name)\",")
    let refused = load(text).diagnostics.contains { $0.code == "invalid-value" && $0.message.contains("is not a DNS label") }
    #expect(refused == !valid, "\(name)")
  }

  /// A host keeps its fields in a shared box; setting one on a copy must not reach the original.
  @Test func aHostIsAValue() throws {
    let inv = try #require(load(minimal).inventory)
    var copy = inv.hosts[0]
    copy.user = "ops"
    copy.roles.append(.worker)
    copy.labels["zone"] = "a"
    #expect(inv.hosts[0].user == "root" && inv.hosts[0].roles == [.etcd] && inv.hosts[0].labels.isEmpty)
    #expect(copy.user == "ops" && copy.has(.worker) && copy.labels == ["zone": "a"] && copy.name == "e1")
  }

  @Test func validatorRunsEveryRule() throws {
    let text = minimal.replacingOccurrences(of: "address: 10.0.0.2", with: "address: 10.0.0.1, port: 22")
      .replacingOccurrences(of: "name: e3", with: "name: e1")
    let loaded = load(text)
    let inv = try #require(loaded.inventory)
    let d = InventoryValidator(today: "2026-01-01").validate(inv)
    #expect(d.map(\.code).sorted() == ["duplicate-address", "duplicate-host"])
  }

  @Test func strictPolicyWithoutKnownHostIsAWarning() throws {
    let inv = try #require(load(minimal).inventory)
    let d = InventoryValidator(knownHostKey: { host, _ in host != "10.0.0.2" }, today: "2026-01-01").validate(inv)
    #expect(d.map(\.code) == ["host-key-unknown"])
    #expect(d.first?.severity == .warning)
    #expect(d.first?.location?.line == 10)
  }

  @Test func expiredWaiverIsReportedNotDropped() throws {
    let text = minimal + """

        hardening:
          waivers:
            - {id: "1.2.16", reason: "platform team handles PSA", expires: 2025-01-31}
      """
    let inv = try #require(load(text).inventory)
    #expect(inv.hardening.waivers.count == 1)
    let d = InventoryValidator(today: "2026-11-26").validate(inv)
    #expect(d.map(\.code) == ["waiver-expired"])
  }
}
