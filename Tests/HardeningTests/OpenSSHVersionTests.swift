import Foundation
import Inventory
import Planning
import Support
import TestSupport
import Testing

@testable import Hardening

/// Hardening decides sshd keywords per host from the OpenSSH version it names: Debian 12's 9.2 has
/// no PerSourcePenalties (9.8), Debian 13's 10.0 has; the drop-in, the plan and the audit agree.
@Suite struct OpenSSHVersionTests {
  static let bookworm = OpenSSHVersion(9, 2), trixie = OpenSSHVersion(10, 0)

  @Test func theVersionIsReadFromWhatSshdSays() {
    #expect(OpenSSHVersion(parsing: "OpenSSH_9.2, OpenSSL 3.0.20 7 Apr 2026") == Self.bookworm)
    #expect(OpenSSHVersion(parsing: "OpenSSH_10.0p2 Debian-7+deb13u4, OpenSSL 3.5.9 29 Sep 2026") == Self.trixie)
    #expect(OpenSSHVersion(parsing: "OpenSSH_10.0") == Self.trixie, "the probe's grep keeps only the name and number")
    #expect(OpenSSHVersion(parsing: "sshd: unknown option -- V\nOpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w") == OpenSSHVersion(8, 4))
    #expect(OpenSSHVersion(parsing: "") == nil && OpenSSHVersion(parsing: "OpenSSH_x.y") == nil && OpenSSHVersion(parsing: "OpenSSH_10") == nil)
  }

  @Test func versionsCompareAsNumbersNotText() {
    #expect(Self.bookworm < .perSourcePenalties && .perSourcePenalties < Self.trixie, "\"10.0\" < \"9.8\" as text")
    #expect(OpenSSHVersion(9, 10) > OpenSSHVersion(9, 8))
  }

  @Test func penaltiesOnlyWhereTheSshdHasThem() throws {
    let h28 = try #require(Catalogue.all.first { $0.id == "H28" })
    #expect(h28.applies(toOpenSSH: Self.trixie) && h28.applies(toOpenSSH: OpenSSHVersion(9, 8)))
    #expect(!h28.applies(toOpenSSH: Self.bookworm) && !h28.applies(toOpenSSH: nil), "an unknown sshd gets no keyword it may refuse")
    let old = HardeningKinds.sshdConfig(Catalogue.all.applying(toOpenSSH: Self.bookworm))
    let new = HardeningKinds.sshdConfig(Catalogue.all.applying(toOpenSSH: Self.trixie))
    #expect(!old.contains("PerSourcePenalties") && old.contains("MaxStartups 10:30:60\n") && old.contains("LoginGraceTime 30\n"))
    #expect(new.contains("\nPerSourcePenalties crash:90 authfail:10 noauth:2 grace-exceeded:20 max:600 min:15\n"))
    #expect(new.hasPrefix("# Managed by Bulwark: hardened sshd (checks H6-H24, H28 of `bulwark checks`)."))
  }

  /// sshd -T prints every penalty, the defaults too, with no `s`; a foreign `PerSourcePenalties no`
  /// or OpenSSH's own defaults (authfail:5) fail.
  @Test func theAuditReadsPenaltiesAsSshdPrintsThem() throws {
    let h28 = try #require(Catalogue.all.first { $0.id == "H28" })
    #expect(h28.expect.accepts("crash:90 authfail:10 noauth:2 grace-exceeded:20 refuseconnection:10 max:600 min:15 max-sources4:65536 max-sources6:65536 overflow:permissive overflow6:permissive"))
    #expect(!h28.expect.accepts("crash:90 authfail:5 noauth:1 grace-exceeded:10 refuseconnection:10 max:600 min:15 max-sources4:65536 max-sources6:65536 overflow:permissive overflow6:permissive"))
    #expect(!h28.expect.accepts("no") && !h28.expect.accepts("absent"))
  }

  /// A host is audited for what its sshd knows: H28 on 10.0, not on 9.2 nor where no version is known.
  @Test func theAuditDecidesPerHost() throws {
    let inv = try HardeningTests().inventory()
    let e1 = inv.hosts[0]
    let marker = Firewall.render(for: e1, in: inv, sshFrom: []).marker
    let auditor = Auditor(waivers: [], today: "2026-12-03")
    var values = ["nft.bulwark": marker]
    for c in auditor.checks(for: e1) where c.fact != "nft.bulwark" {
      switch c.expect {
      case .equals(let v): values[c.fact] = v
      case .atMost(let n): values[c.fact] = "\(n)"
      case .subsetOf(let l): values[c.fact] = l.joined(separator: ",")
      case .includes(let w): values[c.fact] = w.joined(separator: " ")
      case .modeAtMost(let m): values[c.fact] = String(m, radix: 8)
      case .owner(let o): values[c.fact] = o
      }
    }
    values["sshd.persourcepenalties"] = nil
    func audit(_ sshd: String?) -> HostAudit {
      var v = values
      v["version.openssh"] = sshd
      return auditor.audit(e1, facts: HostFacts(values: v), firewallMarker: marker)
    }
    for sshd in ["OpenSSH_9.2", nil] {
      let a = audit(sshd)
      #expect(a.failed == 0 && !a.results.contains { $0.check.id == "H28" }, "\(sshd ?? "no version"): \(a.results.filter { $0.status != .pass })")
    }
    let trixie = audit("OpenSSH_10.0")
    #expect(trixie.failed == 1 && trixie.results.first { $0.check.id == "H28" }?.status == .fail(actual: "absent"))
    values["sshd.persourcepenalties"] = "crash:90 authfail:10 noauth:2 grace-exceeded:20 refuseconnection:10 max:600 min:15"
    #expect(audit("OpenSSH_10.0").failed == 0 && audit("OpenSSH_10.0").passed == audit("OpenSSH_9.2").passed + 1)
  }

  /// The plan: each host's drop-in holds what its sshd knows, and says what it left out and why.
  @Test func thePlanRendersEachHostsDropIn() throws {
    let inv = try HardeningTests().inventory()
    let inputs = HardeningInputs(sshFrom: Dictionary(uniqueKeysWithValues: inv.hosts.map { ($0.name, ["10.123.0.1"]) }), inventory: inv,
      openSSH: ["e1": Self.bookworm, "e2": Self.trixie])
    let book = try PlaybookLoader().load(path: HardeningTests.root + "/playbooks/harden.yaml").get()
    let plan = try Planner(kinds: StepKinds.generic.merging(HardeningKinds.all(inputs)) { $1 }).plan(inv, playbook: book).get()
    func sshd(_ host: String) throws -> (content: String, summary: String) {
      let step = try #require(plan.steps.first { $0.host == host && $0.id.hasSuffix("/sshd") })
      guard case .guardedConfig(_, let content, _, _, _, _, _) = step.operation else { throw CancellationError() }
      return (content, step.summary)
    }
    #expect(try sshd("e2").content.contains("PerSourcePenalties "))
    #expect(try !sshd("e1").content.contains("PerSourcePenalties") && sshd("e1").summary.contains("PerSourcePenalties left out: OpenSSH 9.2 has none"))
    #expect(try !sshd("e3").content.contains("PerSourcePenalties") && sshd("e3").summary.contains("PerSourcePenalties left out: its OpenSSH version is not known"))
    #expect(try sshd("e1").content == sshd("e3").content)
  }

  /// What `ssh -Q kex`, `cipher`, `mac` and `key` list (the same code as sshd's) on Debian 12's
  /// openssh 1:9.2p1-2+deb12u10 and Debian 13's 1:10.0p1-7+deb13u4, read off the lab's rootfs on
  /// 2026-12-03. 10.0 adds mlkem768x25519-sha256 and drops ssh-dss.
  static let known92: Set<String> = [
    "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group-exchange-sha256",
    "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "curve25519-sha256", "curve25519-sha256@libssh.org",
    "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
    "3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
    "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
    "hmac-sha1", "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512", "hmac-md5", "hmac-md5-96", "umac-64@openssh.com",
    "umac-128@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "umac-64-etm@openssh.com",
    "umac-128-etm@openssh.com",
    "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "ssh-dss", "ssh-dss-cert-v01@openssh.com", "ssh-rsa", "ssh-rsa-cert-v01@openssh.com",
  ]
  static let known100 = known92.subtracting(["ssh-dss", "ssh-dss-cert-v01@openssh.com"]).union(["mlkem768x25519-sha256"])

  /// One drop-in for both releases: every algorithm it keeps is known to 9.2 and to 10.0, and it keeps
  /// no finite-field Diffie-Hellman (OpenSSH 10.0's sshd default).
  @Test func everyKeptAlgorithmIsKnownToBothReleases() {
    let server = SSHAlgorithms.hardenedServer
    for algorithm in server.kex + server.hostKeys + server.ciphers + server.macs {
      #expect(Self.known92.contains(algorithm) && Self.known100.contains(algorithm), "\(algorithm)")
    }
    #expect(!server.kex.contains { $0.hasPrefix("diffie-hellman-") }, "\(server.kex)")
    #expect(SSHAlgorithms.client.kex.contains("diffie-hellman-group14-sha256"), "the client still reaches hosts not yet hardened")
  }
}
