import Advisories
import Findings
import Hardening
import Orchestration
import Testing

/// What hosts run, as the audit probe reports it, against the shipped advisory data.
@Suite struct HostAdvisoriesTests {
  let today = Day("2026-12-02")!

  func findings(_ values: [String: String]) throws -> [Finding] {
    HostAdvisories.findings(host: "h1", facts: HostFacts(values: values), data: try AdvisoryDatabase.shipped(),
                            policy: VulnerabilityPolicy(), today: today)
  }

  @Test func theAuditSummaryNamesWhatWasRead() {
    let facts = HostFacts(values: ["os.codename": "bookworm", "dpkg.openssh-server": "1:9.2p1-2+deb12u7", "dpkg.runc": "",
                                   "version.etcd": "3.5.30", "sysctl.x": "1"])
    #expect(HostAdvisories.versionsRead(facts) == ["openssh-server 1:9.2p1-2+deb12u7", "etcd 3.5.30 (running)"])
    #expect(HostAdvisories.versionsRead(HostFacts(values: [:])) == [])
  }

  /// Debian 12's OpenSSH is 9.2p1 upstream, inside CVE-2024-6387's range; +deb12u3 carries the fix.
  @Test(arguments: [
    ("1:9.2p1-2+deb12u2", true), ("1:9.2p1-2+deb12u3", false), ("1:9.2p1-2+deb12u10", false), ("1:9.2p1-2", true),
  ])
  func backportedFixesCountAsFixed(_ version: String, _ exposed: Bool) throws {
    let fs = try findings(["os.codename": "bookworm", "dpkg.openssh-server": version])
    let regresshion = fs.first { $0.ruleID == "CVE-2024-6387" }
    #expect((regresshion != nil) == exposed, "\(version): \(fs.map(\.rendered))")
    if let regresshion {
      #expect(regresshion.level == .error)
      #expect(regresshion.message.hasPrefix("h1: openssh openssh-server \(version): CVE-2024-6387"))
      #expect(regresshion.message.contains("fixed in package 1:9.2p1-2+deb12u3"))
      #expect(regresshion.logicalName == "h1")
    }
  }

  @Test func theRunningEtcdIsMatchedByItsOwnVersion() throws {
    let fs = try findings(["version.etcd": "3.5.1"])
    #expect(fs.contains { $0.ruleID == "GHSA-gmph-wf7j-9gcm" && $0.level == .error && $0.message.contains("fixed in 3.5.8") })
    #expect(try findings(["version.etcd": "3.5.30"]).isEmpty)
  }

  @Test func anUnparsableVersionIsAWarningNamingIt() throws {
    let fs = try findings(["dpkg.runc": "not a version!", "version.etcd": "three"])
    #expect(fs.map(\.ruleID) == ["unknown-version", "unknown-version"])
    #expect(fs.allSatisfy { $0.level == .warning })
    #expect(fs[0].message.contains("\"not a version!\"") && fs[1].message.contains("\"three\""))
  }
}
