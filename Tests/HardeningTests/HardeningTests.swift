import Foundation
import Inventory
import Support
import TestSupport
import Testing

@testable import Hardening

/// The catalogue's remediation files (golden), the probe parser, the auditor's statuses and waivers,
/// and the report formats.
@Suite struct HardeningTests {
  static let root = repositoryRoot()

  func inventory(_ extra: String = "") throws -> Inventory {
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: lab}
      spec:
        versions: {etcd: 3.5.1, kubernetes: 1.31.2}
        sites: [{name: lab, kind: onprem, cidr: 10.123.0.0/24}]
        endpoint: {mode: vip, address: 10.123.0.10, carriers: control-plane}
      \(extra)
        hosts:
          - {name: e1, address: 10.123.0.11, site: lab, roles: [etcd]}
          - {name: e2, address: 10.123.0.12, site: lab, roles: [etcd]}
          - {name: e3, address: 10.123.0.13, site: lab, roles: [etcd]}
          - {name: cp1, address: 10.123.0.21, site: lab, roles: [control-plane]}
          - {name: cp2, address: 10.123.0.22, site: lab, roles: [control-plane]}
          - {name: w1, address: 10.123.0.31, site: lab, roles: [worker]}

      """
    let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: "lab.yaml")
    #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics.map(\.rendered))")
    return try #require(loaded.inventory)
  }

  func golden(_ text: String, _ name: String) {
    if let diff = goldenMismatch(text, file: Self.root + "/Tests/HardeningTests/Goldens/\(name)") { Issue.record("\(diff)") }
  }

  /// One golden per OpenSSH the lab runs: Debian 12's 9.2 and Debian 13's 10.0 (with PerSourcePenalties).
  @Test func theSSHDDropInMatchesItsGolden() {
    golden(HardeningKinds.sshdConfig(Catalogue.all.applying(toOpenSSH: OpenSSHVersion(9, 2))), "00-bulwark-hardening.conf")
    golden(HardeningKinds.sshdConfig(Catalogue.all.applying(toOpenSSH: OpenSSHVersion(10, 0))), "00-bulwark-hardening-openssh-10.0.conf")
  }

  @Test func theSSHDDropInKeepsBulwarksOwnClientWorking() throws {
    let config = HardeningKinds.sshdConfig(Catalogue.all)
    var lists: [String: [String]] = [:]
    for line in config.split(separator: "\n") {
      let f = line.split(separator: " ", maxSplits: 1).map(String.init)
      if f.count == 2 { lists[f[0]] = f[1].split(separator: ",").map(String.init) }
    }
    // libssh2 picks the first algorithm of the client's list that the server also keeps: each kind
    // must have one, or hardening a host locks Bulwark out of it.
    let client = SSHAlgorithms.client
    for (directive, offered) in [("KexAlgorithms", client.kex), ("HostKeyAlgorithms", client.hostKeys),
                                 ("Ciphers", client.ciphers), ("MACs", client.macs)] {
      let kept = try #require(lists[directive], "the drop-in sets \(directive)")
      #expect(offered.contains { kept.contains($0) }, "\(directive): the client offers \(offered), the server keeps \(kept)")
    }
    for weak in ["cbc", "sha1", "nistp", "chacha20", "group14", "group1-"] { #expect(!config.contains(weak), "\(weak)") }
  }

  @Test func theClientAndTheHardenedServerShareOneSourceAndMeet() {
    let (client, server) = (SSHAlgorithms.client, SSHAlgorithms.hardenedServer)
    #expect(Catalogue.kex == server.kex && Catalogue.ciphers == server.ciphers && Catalogue.macs == server.macs
      && Catalogue.hostKeyAlgorithms == server.hostKeys)
    // The client's first choice of each kind is one the hardened server keeps.
    for (offered, kept) in [(client.kex, server.kex), (client.hostKeys, server.hostKeys), (client.ciphers, server.ciphers), (client.macs, server.macs)] {
      #expect(offered.first.map(kept.contains) == true, "\(offered) against \(kept)")
    }
  }

  @Test func firewallsFollowTheRoles() throws {
    let inv = try inventory()
    let e1 = try #require(inv.hosts.first { $0.name == "e1" })
    let cp1 = try #require(inv.hosts.first { $0.name == "cp1" })
    let w1 = try #require(inv.hosts.first { $0.name == "w1" })
    golden(Firewall.render(for: e1, in: inv, sshFrom: ["10.123.0.1"]).content, "firewall-etcd.nft")
    golden(Firewall.render(for: cp1, in: inv, sshFrom: ["10.123.0.1"]).content, "firewall-control-plane.nft")
    let worker = Firewall.render(for: w1, in: inv, sshFrom: ["10.123.0.1"]).content
    #expect(!worker.contains("2379") && !worker.contains("6443") && worker.contains("10250"))
    let (a, m1) = Firewall.render(for: e1, in: inv, sshFrom: ["10.123.0.1"])
    let (b, m2) = Firewall.render(for: e1, in: inv, sshFrom: ["10.123.0.2"])
    #expect(a != b && m1 != m2, "the marker follows the rules")
  }

  @Test func theProbeParses() {
    let facts = HostProbe.parse("""
      sshd.permitrootlogin=no
      sshd.ciphers=aes256-ctr,aes128-ctr
      stat./etc/ssh/sshd_config.mode=600
      stat./etc/ssh/sshd_config.owner=root:root
      sysctl.kernel.kptr_restrict=0
      readonly.kernel.kptr_restrict
      etcd.client-cert-auth=true
      nft.bulwark=bulwark 0011223344556677
      """)
    #expect(facts.values["sshd.permitrootlogin"] == "no")
    #expect(facts.values["stat./etc/ssh/sshd_config.mode"] == "600")
    #expect(facts.values["nft.bulwark"] == "bulwark 0011223344556677")
    #expect(facts.readOnly == ["kernel.kptr_restrict"])
  }

  @Test func theProbeAsksForEveryFactItsChecksRead() {
    let script = HostProbe.script(Catalogue.all)
    #expect(script.contains("/etc/systemd/system/etcd.service") && script.contains("/etc/ssh/ssh_host_ed25519_key.pub"))
    #expect(script.contains("net.ipv4.tcp_syncookies") && script.contains("sshd -T"))
  }

  @Test func statusesAndWaivers() throws {
    let inv = try inventory()
    let e1 = inv.hosts[0]
    let marker = Firewall.render(for: e1, in: inv, sshFrom: []).marker
    var values: [String: String] = ["nft.bulwark": marker]
    let auditor = Auditor(waivers: [
      Waiver(id: "H20", reason: "break-glass root login until Friday", expires: "2099-01-01"),
      Waiver(id: "2.2", reason: "expired", expires: "2020-01-01"),
    ], today: "2026-11-26")
    for check in auditor.checks(for: e1) where check.fact != "nft.bulwark" {
      if case .equals(let v) = check.expect { values[check.fact] = v }
      if case .subsetOf(let list) = check.expect { values[check.fact] = list.joined(separator: ",") }
      if case .includes(let words) = check.expect { values[check.fact] = words.joined(separator: " ") }
      if case .atMost(let n) = check.expect { values[check.fact] = String(n) }
      if case .modeAtMost(let m) = check.expect { values[check.fact] = String(m, radix: 8) }
      if case .owner(let o) = check.expect { values[check.fact] = o }
    }
    values["sshd.permitrootlogin"] = "yes"
    values["etcd.client-cert-auth"] = "false"
    values["sysctl.kernel.kptr_restrict"] = "0"
    values["stat./var/lib/etcd.mode"] = "755"
    let audit = auditor.audit(e1, facts: HostFacts(values: values, readOnly: ["kernel.kptr_restrict"]), firewallMarker: marker)
    func status(_ id: String, _ fact: String) -> CheckStatus? {
      audit.results.first { $0.check.id == id && $0.check.fact == fact }?.status
    }
    #expect(status("H20", "sshd.permitrootlogin") == .waived(reason: "break-glass root login until Friday"))
    #expect(status("E2", "etcd.client-cert-auth") == .fail(actual: "false"), "an expired waiver does not apply")
    #expect(status("SY18", "sysctl.kernel.kptr_restrict") == .notSettable(actual: "0"))
    #expect(status("E8", "stat./var/lib/etcd.mode") == .fail(actual: "755"))
    #expect(status("FW1", "nft.bulwark") == .pass)
    #expect(audit.failed == 2 && audit.waived == 1 && audit.notSettable == 1)
    #expect(!auditor.checks(for: e1).contains { $0.id == "SY1" }, "forwarding stays off on etcd-only hosts")
    #expect(auditor.checks(for: inv.hosts[3]).contains { $0.id == "SY1" } && !auditor.checks(for: inv.hosts[3]).contains { $0.id == "E2" })
    #expect(auditor.expiredWaivers.map(\.id) == ["2.2"])

    let text = AuditReport.text([audit])
    #expect(text.contains("FAIL         E2 (2.2)            etcd --client-cert-auth=true: is false, wants true"))
    #expect(text.contains("waived       H20 (U24 5.1.20)    PermitRootLogin no: waived: break-glass root login until Friday"))
    let junit = AuditReport.junit([audit])
    #expect(junit.contains("failures=\"2\"") && junit.contains("skipped=\"2\""))
    let sarif = AuditReport.sarif([audit])
    let results = try #require(((try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
    #expect(results.count == 3, "two failures and one suppressed waiver")
    let json = try AuditReport.json([audit])
    #expect(json.contains("\"status\" : \"not-settable\""))
  }
}
