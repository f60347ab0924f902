import Foundation
import Inventory
import PKI
import Planning
import TestSupport
import Testing

@testable import Etcd
import PlanFixtures

/// etcd's rendered unit (golden), the facts parser, the version rules, artifact lookup, and how the
/// kinds plan from facts.
@Suite struct EtcdTests {
  static let root = repositoryRoot()

  func inventory(members: Int = 3, version: String = "3.5.1", artifacts: String = "") throws -> Inventory {
    try labInventory(members: members, version: version, artifacts: artifacts)
  }

  /// The unit Etcd installs and the files hardening audits (E8 to E13) name one set of paths; each
  /// file's name in the PKI directory is the one the certificates are written under.
  @Test func theLayoutsPathsAreTheOnesHardeningAudits() throws {
    #expect(EtcdLayout.pkiDirectory == EtcdPaths.pkiDirectory && EtcdLayout.dataDirectory == EtcdPaths.dataDirectory)
    #expect(EtcdLayout.unitPath == EtcdPaths.unitPath && EtcdLayout.unitPath.hasSuffix("/" + EtcdLayout.unitName))
    for file in EtcdLayout.PKIFile.allCases {
      #expect(file.path == EtcdPaths.pkiDirectory + "/" + file.rawValue, "\(file)")
    }
    let inv = try labInventory()
    let unit = EtcdUnit.flags(for: inv.hosts[0], in: EtcdLayout(inv)).joined(separator: " ")
    for path in [EtcdPaths.caCertificate, EtcdPaths.serverCertificate, EtcdPaths.serverKey, EtcdPaths.peerCertificate, EtcdPaths.peerKey] {
      #expect(unit.contains(path), "\(path)")
    }
  }

  @Test func theUnitMatchesItsGolden() throws {
    let inv = try inventory()
    let unit = EtcdUnit.render(for: inv.hosts[0], in: EtcdLayout(inv))
    if let diff = goldenMismatch(unit, file: Self.root + "/Tests/EtcdTests/Goldens/lab1-etcd.service") { Issue.record("\(diff)") }
  }

  @Test func theUnitCarriesTheHardenedFlags() throws {
    let inv = try inventory()
    let flags = EtcdUnit.flags(for: inv.hosts[1], in: EtcdLayout(inv))
    for wanted in ["--client-cert-auth=true", "--peer-client-cert-auth=true", "--auto-tls=false", "--peer-auto-tls=false",
      "--listen-metrics-urls=http://127.0.0.1:2381", "--cert-file=/etc/etcd/pki/server.crt", "--enable-pprof=false"] {
      #expect(flags.contains(wanted), "\(wanted)")
    }
    #expect(!flags.contains { $0.hasPrefix("--initial-cluster=") }, "membership lives in the environment file")
    #expect(!flags.contains { $0.contains("http://") && !$0.contains("127.0.0.1") }, "no plaintext listener off loopback")
  }

  @Test func certificatesNameEveryMemberAddress() throws {
    let specs = EtcdCertificates.specs(EtcdLayout(try inventory()))
    #expect(specs.count == 3 * 2 + 3)
    let server = try #require(specs.first { $0.name == "members/lab2-server" })
    #expect(server.dnsNames == ["lab2", "localhost"])
    #expect(server.ipAddresses == ["10.123.0.12", "127.0.0.1", "::1"])
    #expect(server.usages == [.server, .client])
  }

  @Test func theProbeParses() throws {
    let output = """
      state=active
      version=3.4.23
      data=yes
      members:
      6e90520d56bb0181, started, lab1, https://10.123.0.11:2380, https://10.123.0.11:2379, false
      8e9e05c52164694d, unstarted, , https://10.123.0.14:2380, , false
      """
    let facts = EtcdProbe.parse(output)
    #expect(facts.isRunning && facts.hasData && facts.runningVersion == Version("3.4.23"))
    #expect(facts.members == [
      try EtcdMember(id: "6e90520d56bb0181", name: "lab1", peerURL: "https://10.123.0.11:2380", started: true),
      try EtcdMember(id: "8e9e05c52164694d", name: "", peerURL: "https://10.123.0.14:2380", started: false),
    ])
    #expect(facts.refusedMembers.isEmpty)
    let stopped = EtcdProbe.parse("state=inactive\ndata=no\n")
    #expect(!stopped.isRunning && stopped.runningVersion == nil && stopped.members.isEmpty)
  }

  @Test(arguments: [
    ("3.4.23", "3.5.1", nil),
    ("3.5.0", "3.5.1", nil),
    ("3.5.1", "3.5.1", nil),
    ("3.4.23", "3.6.0", "skip a minor version"),
    ("3.5.1", "3.5.0", "downgrades are refused"),
    ("3.5.1", "3.4.23", "downgrades are refused"),
    ("3.5.1", "4.0.0", "major version"),
    // The lab's upgrade paths to its default, Debian unstable's 3.5.30 (Tests/e2e/etcd.sh).
    ("3.4.23", "3.5.30", nil),
    ("3.5.1", "3.5.30", nil),
    ("3.5.16", "3.5.30", nil),
    ("3.5.30", "3.5.16", "downgrades are refused"),
    ("3.4.23", "3.6.0", "upgrade to 3.5 first"),
  ] as [(String, String, String?)])
  func versionRules(current: String, target: String, refusal: String?) {
    let answer = EtcdVersionPolicy.refusal(running: ["lab1": Version(current)!], target: Version(target)!)
    if let refusal { #expect(answer?.contains(refusal) == true, "\(answer ?? "allowed")") } else { #expect(answer == nil) }
  }

  @Test func artifactsComeFromTheCacheWithTheirChecksums() throws {
    let dir = NSTemporaryDirectory() + "bulwark-artifacts-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir + "/etcd/v3.5.1", withIntermediateDirectories: true)
    for name in ["etcd", "etcdctl", "etcdutl"] {
      _ = FileManager.default.createFile(atPath: dir + "/etcd/v3.5.1/\(name)", contents: Data(name.utf8), attributes: [.posixPermissions: 0o755])
    }
    try "aaaa  etcd/v3.5.1/etcd\nbbbb  etcd/v3.5.1/etcdctl\n".write(toFile: dir + "/SHA256SUMS", atomically: true, encoding: .utf8)
    let inv = try inventory(artifacts: "  artifacts:\n    etcd:\n      file: \(dir)/etcd/v{version}")
    let (files, diagnostics) = EtcdArtifacts.resolve(inv, inventoryDirectory: "/")
    #expect(files["etcd"]?.sha256 == "aaaa" && files["etcdctl"]?.sha256 == "bbbb")
    #expect(files["etcdutl"]?.sha256 == nil)
    #expect(diagnostics.map(\.code) == ["etcd-artifact-unverified"])
    let missing = EtcdArtifacts.resolve(try inventory(version: "3.4.23", artifacts: "  artifacts:\n    etcd:\n      file: \(dir)/etcd/v{version}"),
      inventoryDirectory: "/")
    #expect(missing.diagnostics.map(\.code) == ["etcd-artifact-absent"])
    #expect(EtcdArtifacts.resolve(try inventory(), inventoryDirectory: "/").diagnostics.map(\.code) == ["etcd-artifact-missing"])
  }

  // MARK: planning from facts

  func plan(_ inv: Inventory, playbook: String, facts: EtcdClusterFacts) throws -> Plan {
    let pki = try PKIStore(root: "/nonexistent-bulwark-test").reconcile(
      authority: "etcd", commonName: "ca", specs: EtcdCertificates.specs(EtcdLayout(inv)), write: false)
    let binaries = Dictionary(uniqueKeysWithValues: ["etcd", "etcdctl", "etcdutl"].map { ($0, LocalArtifact(path: "/cache/\($0)", sha256: "00")) })
    let inputs = EtcdInputs(binaries: binaries, pki: pki, facts: facts, snapshotPath: "/state/snapshot.db")
    let book = try PlaybookLoader().load(path: Self.root + "/playbooks/\(playbook).yaml").get()
    // The one registry users get, with these etcd inputs.
    let kinds = try PlanFixtures.registry(inv).merging(EtcdKinds.all(inputs)) { $1 }
    return try Planner(kinds: kinds).plan(inv, playbook: book).get()
  }

  func running(_ version: String, members: [String]) throws -> EtcdHostFacts {
    EtcdHostFacts(activeState: "active", runningVersion: Version(version), hasData: true, members: try members.enumerated().map {
      try EtcdMember(id: String(format: "%016x", $0.offset + 1), name: $0.element, peerURL: "https://10.123.0.\(11 + $0.offset):2380", started: true)
    })
  }

  func ids(_ p: Plan, phase: String) -> [String] {
    p.steps.filter { $0.phase == phase && $0.operation != .barrier }.map(\.id)
  }

  @Test func aFreshClusterStartsAllMembersAndChangesNoMembership() throws {
    let p = try plan(try inventory(), playbook: "bootstrap", facts: .fresh)
    #expect(ids(p, phase: "etcd-members") == ["etcd-members/lab1/start", "etcd-members/lab2/start", "etcd-members/lab3/start"])
    #expect(ids(p, phase: "etcd-snapshot").isEmpty && ids(p, phase: "etcd-join").isEmpty && ids(p, phase: "etcd-remove").isEmpty)
  }

  @Test func newHostsJoinOneAtATimeAfterASnapshot() throws {
    let names = ["lab1", "lab2", "lab3"]
    var facts = EtcdClusterFacts(hosts: [:])
    for n in names { facts.hosts[n] = try running("3.5.1", members: names) }
    facts.hosts["lab4"] = EtcdHostFacts(activeState: "inactive", runningVersion: nil, hasData: false, members: [])
    facts.hosts["lab5"] = facts.hosts["lab4"]
    let p = try plan(try inventory(members: 5), playbook: "bootstrap", facts: facts)
    #expect(ids(p, phase: "etcd-snapshot") == ["etcd-snapshot/lab1/snapshot"])
    #expect(ids(p, phase: "etcd-join") == [
      "etcd-join/lab4/join", "etcd-join/lab4/health-gate", "etcd-join/lab5/join", "etcd-join/lab5/health-gate",
    ])
    let second = try #require(p.step("etcd-join/lab5/join"))
    #expect(second.dependsOn.contains("etcd-join/lab4/health-gate"))
    #expect(ids(p, phase: "etcd-members") == ["etcd-members/lab1/start", "etcd-members/lab2/start", "etcd-members/lab3/start"])
  }

  @Test func membersTheInventoryDroppedAreRemovedFromTheFirstMember() throws {
    let names = ["lab1", "lab2", "lab3", "lab4", "lab5"]
    var facts = EtcdClusterFacts(hosts: [:])
    for n in names.prefix(3) { facts.hosts[n] = try running("3.5.1", members: names) }
    let p = try plan(try inventory(members: 3), playbook: "bootstrap", facts: facts)
    #expect(ids(p, phase: "etcd-remove") == ["etcd-remove/lab1/remove-lab4", "etcd-remove/lab1/remove-lab5", "etcd-remove/lab1/health-gate"])
    #expect(p.step("etcd-remove/lab1/remove-lab4")?.action == .delete)
    // The leaving member's own health never counts towards the quorum that stays.
    guard case .command(let argv, _)? = p.step("etcd-remove/lab1/remove-lab4")?.operation else { Issue.record("not a command"); return }
    #expect(argv.last?.contains("grep -vc 'https://10.123.0.14:2379 '") == true)
    #expect(argv.last?.contains("member remove 0000000000000004") == true)
    #expect(EtcdLayout.clientURL(forPeerURL: "https://[fd00::4]:2380") == "https://[fd00::4]:2379")
  }

  @Test func aRefusedMemberPlansARefusalBeforeAnyRemoval() async throws {
    let shell = try ShellHarness()
    defer { shell.remove() }
    let hostile = "0000000000000009, started, $(touch \(shell.marker)), https://10.123.0.19:2380, https://10.123.0.19:2379, false"
    var facts = EtcdClusterFacts(hosts: [:])
    for n in ["lab1", "lab2", "lab3"] {
      var f = try running("3.5.1", members: ["lab1", "lab2", "lab3", "lab4"])
      f.refusedMembers = EtcdProbe.parse("members:\n\(hostile)\n").refusedMembers
      facts.hosts[n] = f
    }
    let p = try plan(try inventory(), playbook: "bootstrap", facts: facts)
    #expect(ids(p, phase: "etcd-remove") == [
      "etcd-remove/lab1/refuse-member-1", "etcd-remove/lab1/remove-lab4", "etcd-remove/lab1/health-gate",
    ])
    #expect(p.step("etcd-remove/lab1/remove-lab4")?.dependsOn.contains("etcd-remove/lab1/refuse-member-1") == true)
    let refusal = try #require(p.step("etcd-remove/lab1/refuse-member-1"))
    #expect(refusal.summary.contains("etcd member 0000000000000009 at https://10.123.0.19:2380 has a name that is not a DNS-1123 name"), "\(refusal.summary)")
    #expect(!refusal.summary.contains("touch"))
    guard case .command(let argv, let unless) = refusal.operation else { Issue.record("not a command"); return }
    #expect(unless == ["false"])
    let r = try await shell.sh(Array(argv.dropFirst()))
    #expect(r.status == 1 && r.stderr.contains("[etcd-member-name-invalid]"), "\(r.stderr)")
    #expect(!shell.exists(shell.marker))
    #expect(facts.fingerprint != EtcdClusterFacts(hosts: facts.hosts.mapValues { var h = $0; h.refusedMembers = []; return h }).fingerprint)
  }

  @Test func anUpgradeTouchesOnlyMembersOnAnotherVersion() throws {
    let names = ["lab1", "lab2", "lab3"]
    var facts = EtcdClusterFacts(hosts: [:])
    facts.hosts["lab1"] = try running("3.5.1", members: names)
    facts.hosts["lab2"] = try running("3.4.23", members: names)
    facts.hosts["lab3"] = try running("3.4.23", members: names)
    let p = try plan(try inventory(), playbook: "upgrade", facts: facts)
    #expect(ids(p, phase: "snapshot") == ["snapshot/lab1/snapshot"])
    #expect(ids(p, phase: "etcd-upgrade") == [
      "etcd-upgrade/lab2/unit", "etcd-upgrade/lab2/upgrade", "etcd-upgrade/lab2/health-gate",
      "etcd-upgrade/lab3/unit", "etcd-upgrade/lab3/upgrade", "etcd-upgrade/lab3/health-gate",
    ])
    var done = facts
    done.hosts["lab2"] = try running("3.5.1", members: names)
    done.hosts["lab3"] = try running("3.5.1", members: names)
    let after = try plan(try inventory(), playbook: "upgrade", facts: done)
    #expect(ids(after, phase: "etcd-upgrade").isEmpty && ids(after, phase: "snapshot").isEmpty)
  }

  @Test func plansNeverCarryKeyBytes() throws {
    let p = try plan(try inventory(), playbook: "bootstrap", facts: .fresh)
    let json = try p.renderedJSON()
    #expect(!json.contains("PRIVATE KEY"))
    let key = try #require(p.step("etcd-install/lab1/server-key"))
    guard case .upload(_, let path, _, let mode, let owner, _) = key.operation else { Issue.record("not an upload"); return }
    #expect(path == "/etc/etcd/pki/server.key" && mode == 0o600 && owner == "etcd")
  }
}
