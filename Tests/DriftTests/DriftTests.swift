import Drift
import Foundation
import Hardening
import Inventory
import Planning
import Steps
import Support
import Testing

/// Unified diffs, and drift computed from one batched probe's output without a host.
@Suite struct DriftTests {
  @Test func aUnifiedDiffShowsRemovalsThenAdditionsWithContext() {
    let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
    let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
    #expect(UnifiedDiff.make(from: old, to: new, oldName: "a", newName: "b") == """
      --- a
      +++ b
      @@ -2,7 +2,7 @@
       line 2
       line 3
       line 4
      -line 5
      +line five
       line 6
       line 7
       line 8

      """)
    #expect(UnifiedDiff.make(from: old, to: old, oldName: "a", newName: "b") == "")
  }

  @Test func aProbeBatchRoundTrips() throws {
    let script = ProbeBatch.script(["echo one", "printf 'two\\n'; exit 3", "cat /nonexistent"])
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", script]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let outputs = ProbeBatch.parse(String(decoding: data, as: UTF8.self), count: 3)
    #expect(outputs[0] == ProbeOutput(status: 0, stdout: Array("one\n".utf8)))
    #expect(outputs[1] == ProbeOutput(status: 3, stdout: Array("two\n".utf8)))
    #expect(outputs[2]?.status == 1 && outputs[2]?.stdout == [])
  }

  @Test func driftIsComputedFromOneBatchedOutput() throws {
    let inv = try oneEtcdHost()
    let steps = [
      PlannedStep(id: "p/h1/motd", phase: "p", host: "h1", kind: "file", summary: "motd", action: .create, dependsOn: [],
        operation: .file(path: "/etc/motd", content: "hello\n", mode: 0o644, owner: "root", group: "root")),
      PlannedStep(id: "p/h1/dir", phase: "p", host: "h1", kind: "directory", summary: "dir", action: .create, dependsOn: [],
        operation: .directory(path: "/d", mode: 0o755, owner: "root", group: "root")),
    ]
    let auditor = Auditor(checks: [], waivers: [], today: "2026-11-26")
    let probe = DriftProbe(host: inv.hosts[0], planned: steps, inventory: inv, auditor: auditor)
    #expect(probe.script.components(separatedBy: "@@ ").count - 1 == 4, "two steps, the hardening facts, etcd")
    func line(_ i: Int, _ status: Int, _ out: String) -> String { "@@ \(i) \(status) \(Data(out.utf8).base64EncodedString())" }
    let output = [
      line(0, 0, "644 root root 4 regular file\nbye\n"),
      line(1, 0, "755 root root 4096 directory\n"),
      line(2, 0, "etcd.name=h1\n"),
      line(3, 0, "state=inactive\ndata=yes\n"),
    ].joined(separator: "\n")
    let drift = probe.compare(output, auditor: auditor, firewallMarker: "")
    #expect(drift.findings.map(\.item) == ["p/h1/motd", "etcd/h1/running"])
    #expect(drift.findings[0].detail == "content differs")
    #expect(drift.findings[0].diff?.contains("-bye\n+hello\n") == true)
  }

  /// SARIF: one error per drifted item at its host, the rule the kind of difference (the same on
  /// every host), and a host that could not be checked as an error of its own rule.
  @Test func driftAsSarifHasARulePerKindOfDifference() throws {
    let hosts = [
      HostDrift(host: "h1", findings: [
        DriftFinding(item: "p/h1/motd", summary: "motd", detail: "content differs", diff: "-bye\n+hello\n", rule: "step/file"),
        DriftFinding(item: "hardening/SY12", summary: "SYN cookies", detail: "is 0, wants 1", rule: "hardening/SY12"),
      ], compared: 9),
      HostDrift(host: "h2", findings: [DriftFinding(item: "p/h2/motd", summary: "motd", detail: "mode 0600 -> 0644", rule: "step/file")],
                compared: 9),
      HostDrift(host: "h3", findings: [], compared: 0, error: "timed out"),
      HostDrift(host: "h4", findings: [], compared: 9),
    ]
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(DriftReport.sarif(hosts).utf8)) as? [String: Any])
    let run = try #require((doc["runs"] as? [[String: Any]])?.first)
    let rules = try #require((run["tool"] as? [String: Any]).flatMap { $0["driver"] as? [String: Any] }?["rules"] as? [[String: Any]])
    #expect(rules.map { $0["id"] as? String } == ["step/file", "hardening/SY12", "drift/unchecked"])
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.map { $0["ruleId"] as? String } == ["step/file", "hardening/SY12", "step/file", "drift/unchecked"])
    #expect(results.allSatisfy { $0["level"] as? String == "error" })
    #expect(results.map { ($0["ruleIndex"] as? Int) ?? -1 } == [0, 1, 0, 2])
    #expect((results[2]["message"] as? [String: Any])?["text"] as? String == "p/h2/motd: mode 0600 -> 0644")
    let place = ((results[3]["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: Any]])?.first
    #expect(place?["name"] as? String == "h3" && place?["kind"] as? String == "host")
    #expect(try JSONSerialization.jsonObject(with: Data(DriftReport.sarif([hosts[3]]).utf8)) is [String: Any])
  }

  @Test func driftFindingsFromAProbeCarryTheirRule() throws {
    let inv = try oneEtcdHost()
    let steps = [
      PlannedStep(id: "p/h1/motd", phase: "p", host: "h1", kind: "file", summary: "motd", action: .create, dependsOn: [],
        operation: .file(path: "/etc/motd", content: "hello\n", mode: 0o644, owner: "root", group: "root")),
    ]
    let auditor = Auditor(checks: [], waivers: [], today: "2026-11-26")
    let probe = DriftProbe(host: inv.hosts[0], planned: steps, inventory: inv, auditor: auditor)
    func line(_ i: Int, _ status: Int, _ out: String) -> String { "@@ \(i) \(status) \(Data(out.utf8).base64EncodedString())" }
    let output = [line(0, 0, "644 root root 4 regular file\nbye\n"), line(1, 0, "etcd.name=h1\n"),
                  line(2, 0, "state=active\nversion=3.5.9\ndata=yes\nmembers:\n")].joined(separator: "\n")
    let drift = probe.compare(output, auditor: auditor, firewallMarker: "")
    #expect(drift.findings.map(\.rule).prefix(2) == ["step/file", "etcd/version"], "\(drift.findings.map(\.item))")
  }

  @Test func etcdMemberEntriesRefusedForTheirValuesAreDrift() throws {
    let inv = try oneEtcdHost()
    let auditor = Auditor(checks: [], waivers: [], today: "2026-11-26")
    let probe = DriftProbe(host: inv.hosts[0], planned: [], inventory: inv, auditor: auditor)
    func line(_ i: Int, _ status: Int, _ out: String) -> String { "@@ \(i) \(status) \(Data(out.utf8).base64EncodedString())" }
    let members = """
      state=active
      version=3.5.1
      data=yes
      members:
      8e9e05c52164694d, started, h1, https://10.0.0.1:2380, https://10.0.0.1:2379, false
      91bc3c398fb3c146, started, h2;reboot, https://10.0.0.2:2380, https://10.0.0.2:2379, false

      """
    let drift = probe.compare([line(0, 0, "etcd.name=h1\n"), line(1, 0, members)].joined(separator: "\n"), auditor: auditor, firewallMarker: "")
    let membership = drift.findings.filter { $0.item.hasPrefix("etcd/members/") }
    #expect(membership.map(\.item) == ["etcd/members/refused-1"], "\(drift.findings.map(\.item))")
    #expect(membership.first?.detail.contains("etcd member 91bc3c398fb3c146 at https://10.0.0.2:2380 has a name that is not a DNS-1123 name") == true)
    #expect(membership.first?.detail.contains("[etcd-member-name-invalid]") == true)
    #expect(membership.first?.detail.contains("reboot") == false, "the refused value is never repeated")
  }

  /// One etcd host, h1 at 10.0.0.1, running etcd 3.5.1 by the inventory.
  func oneEtcdHost() throws -> Inventory {
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: t}
      spec:
        versions: {etcd: 3.5.1}
        hosts:
          - {name: h1, address: 10.0.0.1, roles: [etcd]}

      """
    return try #require(InventoryLoader().load(bytes: Array(text.utf8), file: "t.yaml").inventory)
  }
}
