import Inventory
import Planning
import Testing

@testable import Hardening

/// The per-plan memos: one computation per key, and the firewall kind's shared tables give every
/// host exactly the file `Firewall.render` gives it alone.
@Suite struct MemoTests {
  @Test func aKeyIsComputedOnce() {
    let memo = KeyedMemo<String, Int>()
    var calls = 0
    for key in ["a", "b", "a", "a", "b"] {
      let v = memo.value(for: key) {
        calls += 1
        return key.count * 10 + calls
      }
      #expect(v == (key == "a" ? 11 : 12))
    }
    #expect(calls == 2 && memo.count == 2)
  }

  @Test func sharedTablesAreEachHostsOwnTable() throws {
    let inv = try HardeningTests().inventory("  kubernetes: {cni: {plugin: calico, version: 3.28.2}}")
    let peers = FirewallPeers(inv)
    let sshFrom = Dictionary(uniqueKeysWithValues: inv.hosts.map { ($0.name, $0.name == "w1" ? ["10.123.0.2"] : ["10.123.0.1"]) })
    let kind = FirewallKind(inputs: HardeningInputs(sshFrom: sshFrom, inventory: inv))
    let book = try PlaybookLoader().parse(Array("""
      apiVersion: bulwark.dev/v1alpha1
      kind: Playbook
      name: fw
      phases: [{name: firewall, hosts: all, steps: [{kind: hardening.firewall}]}]
      """.utf8), file: "fw.yaml").get()
    let plan = try Planner(kinds: [kind.name: kind]).plan(inv, playbook: book).get()
    for host in inv.hosts {
      let alone = Firewall.render(for: host, in: inv, peers: peers, sshFrom: sshFrom[host.name] ?? [])
      guard case .guardedConfig(_, let content, _, _, _, _, _)? = plan.step("firewall/\(host.name)/firewall")?.operation else {
        Issue.record("no firewall step for \(host.name)"); continue
      }
      #expect(content == alone.content, "\(host.name)")
    }
    // etcd members, control planes (VIP carriers) and the worker with its own ssh source: three shapes.
    #expect(kind.tables.count == 3)
  }
}
