import Foundation
import Inventory
import Support
import TestSupport
import Testing

@testable import Etcd

/// Every script of `EtcdScripts`, rendered with fixed inputs: against its golden, through `sh -n`,
/// and, for those that read values from the hosts, run under `sh` against fake etcdctl and
/// systemctl that report hostile values, which must never be executed.
@Suite struct EtcdScriptTests {
  static let goldens = repositoryRoot() + "/Tests/EtcdTests/Goldens/scripts"

  /// Each script by golden name, rendered for lab1 (lab3 joins; lab4 leaves) of a 3-member lab on 3.5.1.
  static func renders() throws -> [(name: String, text: String)] {
    let inv = try labInventory()
    let layout = EtcdLayout(inv), lab1 = inv.hosts[0], lab3 = inv.hosts[2]
    let ctl = layout.etcdctl([]), own = layout.etcdctl([], endpoints: EtcdLayout.clientURL(lab1))
    let leaving = try EtcdMember(id: "0000000000000004", name: "lab4", peerURL: "https://10.123.0.14:2380", started: true)
    let expected = ([layout.etcd] + EtcdUnit.flags(for: lab1, in: layout)).joined(separator: " ") + " "
    let sha = String(repeating: "ab", count: 32), mark = "/var/lib/bulwark/etcd-restored-from"
    let scripts: [(String, ShellScript)] = [
      ("running", EtcdScripts.running()),
      ("start-no-block", EtcdScripts.startNoBlock()),
      ("main-pid", EtcdScripts.mainPID()),
      ("runs-binary", EtcdScripts.runsBinary(layout.etcd)),
      ("runs-flags", EtcdScripts.runsFlags(expected)),
      ("count-members", EtcdScripts.countMembers(excluding: EtcdLayout.clientURL(lab1), ctl: ctl)),
      ("refuse-without-quorum", EtcdScripts.refuseWithoutQuorum(restarting: lab1, ctl: ctl)),
      ("write-initial-cluster-once", EtcdScripts.writeInitialCluster(state: "new", ifAbsent: true)),
      ("write-initial-cluster", EtcdScripts.writeInitialCluster(state: "existing", ifAbsent: false)),
      ("start-member", EtcdScripts.startMember(initialCluster: layout.initialCluster)),
      ("cluster-to-join", EtcdScripts.clusterToJoin(name: lab3.name, peerURL: EtcdLayout.peerURL(lab3), ctl: ctl)),
      ("join", EtcdScripts.join(lab3, ctl: ctl)),
      ("member-absent", EtcdScripts.memberAbsent(id: leaving.id, ctl: ctl)),
      ("refuse", EtcdScripts.refuse("refusing to change etcd membership: it's a test")),
      ("health-gate", EtcdScripts.healthGate(ctl: ctl, own: own)),
      ("move-leadership-away", EtcdScripts.moveLeadershipAway(ctl: ctl, own: own)),
      ("upgrade-member", EtcdScripts.upgradeMember(lab1, layout: layout, running: Version("3.4.23"))),
      ("upgrade-member-stopped", EtcdScripts.upgradeMember(lab1, layout: layout, running: nil)),
      ("restart-member", EtcdScripts.restartMember(lab1, ctl: ctl)),
      ("restore-member", EtcdScripts.restoreMember(lab1, layout: layout, tool: [layout.binaryDirectory + "/etcdutl"],
        snapshot: "/var/lib/bulwark/etcd-restore.db", sha256: sha, mark: mark)),
      ("restored-from", EtcdScripts.restoredFrom(sha256: sha, mark: mark)),
      ("probe", EtcdScripts.probe()),
    ]
    return scripts.map { ($0.0, $0.1.text) } + [("remove-member", EtcdScripts.removeMember(leaving, layout: layout))]
  }

  @Test func everyScriptMatchesItsGolden() throws {
    for (name, text) in try Self.renders() {
      if let diff = goldenMismatch(text + "\n", file: "\(Self.goldens)/\(name).sh") { Issue.record("\(diff)") }
    }
  }

  @Test func noGoldenIsLeftWithoutItsScript() throws {
    let names = Set(try Self.renders().map { "\($0.name).sh" })
    let files = Set(try FileManager.default.contentsOfDirectory(atPath: Self.goldens))
    #expect(files == names, "stale or missing goldens: \(files.symmetricDifference(names).sorted())")
  }

  @Test func everyScriptIsValidShell() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    for (name, text) in try Self.renders() {
      let syntax = try await shell.sh(["-n", "-c", text])
      #expect(syntax.status == 0, "\(name).sh: \(syntax.stderr)")
    }
    // The check itself can fail.
    #expect(try await shell.sh(["-n", "-c", "if true; then"]).status != 0)
  }

  // MARK: values the scripts read from the hosts while they run

  static let members = """
    0000000000000001, started, lab1, https://10.123.0.11:2380, https://10.123.0.11:2379, false
    0000000000000002, started, lab2, https://10.123.0.12:2380, https://10.123.0.12:2379, false
    0000000000000003, unstarted, , https://10.123.0.13:2380, , false

    """

  /// `clusterToJoin` for lab3, then the cluster it set on stdout.
  func clusterToJoin(_ shell: ShellHarness) async throws -> ShellHarness.Outcome {
    let fragment = EtcdScripts.clusterToJoin(name: "lab3", peerURL: "https://10.123.0.13:2380", ctl: shell.etcdctl)
    return try await shell.run(fragment.text + "\nprintf '%s' \"$cluster\"")
  }

  @Test func theJoiningClusterIsBuiltFromTheMemberList() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    try shell.write("members", Self.members)
    let r = try await clusterToJoin(shell)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "lab1=https://10.123.0.11:2380,lab2=https://10.123.0.12:2380,lab3=https://10.123.0.13:2380")
  }

  @Test(arguments: ["name", "peer", "other unstarted"])
  func aHostileMemberListEntryStopsTheJoinAndIsNeverRun(field: String) async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    for value in hostileValues(marker: shell.marker) {
      let line = switch field {
      case "name": "0000000000000002, started, \(value), https://10.123.0.12:2380, https://10.123.0.12:2379, false"
      case "peer": "0000000000000002, started, lab2, \(value), https://10.123.0.12:2379, false"
      default: "0000000000000002, unstarted, \(value), https://10.123.0.12:2380, , false"
      }
      try shell.write("members", Self.members.replacingOccurrences(
        of: "0000000000000002, started, lab2, https://10.123.0.12:2380, https://10.123.0.12:2379, false", with: line))
      let r = try await clusterToJoin(shell)
      #expect(r.status == 1 && r.stderr.hasPrefix("refusing to join: "), "\(field) \(value): exit \(r.status) \(r.stderr)")
      #expect(!r.stderr.contains("touch"), "the refusal repeats the hostile value: \(r.stderr)")
      #expect(!shell.exists(shell.marker), "\(field) \(value) was executed")
    }
  }

  /// `moveLeadershipAway` for lab1, which leads, with revision 42, on the fakes.
  func moveLeadership(_ shell: ShellHarness, me: String = "0000000000000001", members: String = EtcdScriptTests.members) async throws
    -> ShellHarness.Outcome
  {
    try shell.write("status", "https://127.0.0.1:2379, \(me), 3.5.1, 20 kB, true, false, 2, 10, 10, \n")
    try shell.write("status.json", #"[{"Endpoint":"https://127.0.0.1:2379","Status":{"header":{"member_id":1,"revision":42}}}]"#)
    try shell.write("members", members)
    let fragment = EtcdScripts.moveLeadershipAway(ctl: shell.etcdctl, own: shell.etcdctl, revisionMark: shell.directory + "/mark")
    return try await shell.run(fragment.text)
  }

  @Test func leadershipMovesToTheNextStartedMember() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    let r = try await moveLeadership(shell)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(shell.read("move-leader.log") == "0000000000000002\n")
    #expect(shell.read("mark") == "42\n")
  }

  @Test func aHostileMemberIDNeverReachesMoveLeader() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    for value in hostileValues(marker: shell.marker) {
      let members = Self.members.replacingOccurrences(of: "0000000000000002, started", with: "\(value), started")
      for (me, list) in [("0000000000000001", members), (value, Self.members)] {
        let r = try await moveLeadership(shell, me: me, members: list)
        #expect(r.status == 1, "\(value): exit \(r.status) \(r.stderr)")
        #expect(shell.read("move-leader.log") == nil, "move-leader ran for \(value)")
        #expect(!shell.exists(shell.marker), "\(value) was executed")
      }
    }
  }

  /// The health gate on the fakes: three healthy members, revision 42 now, `mark` noted before.
  func healthGate(_ shell: ShellHarness, mark: String) async throws -> ShellHarness.Outcome {
    try shell.write("health", (1...3).map { "https://10.123.0.1\($0):2379 is healthy: successfully committed proposal\n" }.joined())
    try shell.write("members", Self.members)
    try shell.write("status.json", #"[{"Status":{"header":{"revision":42}}}]"#)
    try shell.write("mark", mark)
    return try await shell.run(EtcdScripts.healthGate(ctl: shell.etcdctl, own: shell.etcdctl, revisionMark: shell.directory + "/mark").text)
  }

  @Test func theHealthGateComparesTheNotedRevision() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    let r = try await healthGate(shell, mark: "40\n")
    #expect(r.status == 0 && r.stdout.contains("revision: 40 before the restart, 42 now"), "\(r.stdout) \(r.stderr)")
    #expect(shell.read("mark") == nil)
    #expect(try await healthGate(shell, mark: "50\n").status == 1)
  }

  @Test func aHostileRevisionMarkIsRefused() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    for value in hostileValues(marker: shell.marker) {
      let r = try await healthGate(shell, mark: value)
      #expect(r.status == 1 && r.stderr.contains("holds no revision"), "\(value): exit \(r.status) \(r.stderr)")
      #expect(!shell.exists(shell.marker), "\(value) was executed")
    }
  }

  @Test func theMainPIDLeadsToTheRunningBinaryAndFlags() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    // This test process stands in for etcd.
    try shell.write("mainpid", "\(getpid())\n")
    let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let cmdline = try #require(FileManager.default.contents(atPath: "/proc/self/cmdline"))
    let flags = String(decoding: cmdline.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    #expect(try await shell.run(EtcdScripts.runsBinary(exe).text).status == 0)
    #expect(try await shell.run(EtcdScripts.runsBinary("/usr/bin/etcd").text).status == 1)
    #expect(try await shell.run(EtcdScripts.runsFlags(flags).text).status == 0)
    #expect(try await shell.run(EtcdScripts.runsFlags(flags + "--x ").text).status == 1)
  }

  @Test func aHostileMainPIDIsNeverRun() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    try shell.write("activestate", "active\n")
    for value in hostileValues(marker: shell.marker) {
      try shell.write("mainpid", value + "\n")
      #expect(try await shell.run(EtcdScripts.runsBinary("/usr/bin/etcd").text).status == 1)
      #expect(try await shell.run(EtcdScripts.runsFlags("x").text).status == 1)
      let probe = try await shell.run(EtcdScripts.probe().text)
      #expect(probe.status == 0 && probe.stdout.hasPrefix("state=active\n") && !probe.stdout.contains("version="), "\(probe.stdout)")
      #expect(!shell.exists(shell.marker), "\(value) was executed")
    }
  }

  // MARK: values Swift parses

  @Test(arguments: ["id", "name", "peer"])
  func aHostileMemberListEntryIsRefusedWhenParsed(field: String) throws {
    for value in hostileValues(marker: "/tmp/bulwark-never") {
      let line = switch field {
      case "id": "\(value), started, lab9, https://10.123.0.19:2380, https://10.123.0.19:2379, false"
      case "name": "0000000000000009, started, \(value), https://10.123.0.19:2380, https://10.123.0.19:2379, false"
      default: "0000000000000009, started, lab9, \(value), https://10.123.0.19:2379, false"
      }
      let facts = EtcdProbe.parse("state=active\ndata=yes\nmembers:\n" + Self.members + line + "\n")
      #expect(facts.members.map(\.name) == ["lab1", "lab2", ""], "\(field) \(value)")
      #expect(!facts.refusedMembers.isEmpty, "\(field) \(value) was accepted")
      for refusal in facts.refusedMembers {
        #expect(!refusal.message.contains("touch"), "the refusal repeats the hostile value: \(refusal.message)")
      }
    }
  }

  @Test func eachCheckRefusesWithItsCode() {
    func code(_ line: String) -> ErrorCode<EtcdMemberFailure>? {
      do throws(EtcdMemberError) { _ = try EtcdMember(listLine: line); return nil } catch { return error.code }
    }
    #expect(code("0000000000000009, started, lab9, https://10.123.0.19:2380, https://10.123.0.19:2379, false") == nil)
    #expect(code("000000000000000g, started, lab9, https://10.123.0.19:2380, https://10.123.0.19:2379, false") == .invalidID)
    #expect(code("0000000000000009, started, Lab9, https://10.123.0.19:2380, https://10.123.0.19:2379, false") == .invalidName)
    #expect(code("0000000000000009, started, lab9, ftp://10.123.0.19:2380, https://10.123.0.19:2379, false") == .invalidPeerURL)
    #expect(code("0000000000000009, started, lab9, https://10.123.0.19:2380") == .unreadable)
    #expect(code("0000000000000009, running, lab9, https://10.123.0.19:2380, https://10.123.0.19:2379, false") == .unreadable)
  }
}
