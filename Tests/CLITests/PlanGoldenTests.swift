import Foundation
@testable import Etcd
import Inventory
import Planning
import TestSupport
import Testing

import PlanFixtures

/// The plans users get for the sample inventories (the one registry, every domain's real kinds, with
/// fixed inputs), golden-tested in text, JSON and DOT.
@Suite struct PlanGoldenTests {
  static let root = repositoryRoot()

  func plan(_ inventory: String, _ playbook: String, etcdFacts: EtcdClusterFacts = .fresh) throws -> Plan {
    let loaded = LoadedInventory.load(path: Self.root + "/inventories/\(inventory).yaml")
    let inv = try #require(loaded.inventory)
    let book = try PlaybookLoader().load(path: Self.root + "/playbooks/\(playbook).yaml").get()
    return try PlanFixtures.plan(inv, book, etcdFacts: etcdFacts)
  }

  func check(_ text: String, _ golden: String) {
    if let mismatch = goldenMismatch(text, file: Self.root + "/Tests/CLITests/Goldens/" + golden) {
      Issue.record(Comment(rawValue: mismatch))
    }
  }

  @Test func hybridBootstrapText() throws {
    check(try plan("hybrid", "bootstrap").renderedText(), "hybrid-bootstrap.txt")
  }

  @Test func hybridBootstrapJSON() throws {
    let p = try plan("hybrid", "bootstrap")
    let json = try p.renderedJSON()
    check(json, "hybrid-bootstrap.json")
    // The fast writer and Foundation's encoder agree byte for byte, on every playbook.
    #expect(json == (try p.renderedJSONWithFoundation()))
    for other in ["upgrade", "harden"] {
      let q = try plan("hybrid", other)
      #expect(try q.renderedJSON() == q.renderedJSONWithFoundation())
    }
    // The saved form reads back to the same plan.
    let again = try Plan.fromJSON(Data(json.utf8))
    #expect(try again.renderedJSON() == json)
    #expect(again.validateGraph().isEmpty)
    // A hand-edited plan with a cycle is caught.
    var edited = again
    edited.steps[0].dependsOn.append(edited.steps[1].id)
    #expect(edited.validateGraph().contains { $0.hasPrefix("dependency cycle") })
  }

  @Test func hybridBootstrapDOT() throws {
    check(try plan("hybrid", "bootstrap").renderedDOT(), "hybrid-bootstrap.dot")
  }

  @Test(arguments: ["upgrade", "harden"])
  func hybridOtherPlaybooks(playbook: String) throws {
    check(try plan("hybrid", playbook).renderedText(), "hybrid-\(playbook).txt")
  }

  @Test func singleBootstrapText() throws {
    check(try plan("single", "bootstrap").renderedText(), "single-bootstrap.txt")
  }

  @Test func bootstrapStartsEveryInitialMemberThenWaitsOnce() throws {
    let p = try plan("hybrid", "bootstrap")
    let members = try #require(p.phases.first { $0.name == "etcd-members" })
    #expect(members.batches.count == 1 && members.batches[0].count == 5)
    let gates = p.steps.filter { $0.phase == "etcd-health" && $0.operation != .barrier }
    #expect(gates.map(\.id) == ["etcd-health/etcd-dc1-a/health-gate"])
    #expect(gates.first?.action == .check)
  }

  @Test func upgradeTakesOneMemberAtATimeAcrossSitesWithGates() throws {
    let p = try plan("hybrid", "upgrade", etcdFacts: try Self.running("3.4.23", in: LoadedInventory.load(path: Self.root + "/inventories/hybrid.yaml").inventory))
    let phase = try #require(p.phases.first { $0.name == "etcd-upgrade" })
    #expect(phase.batches == [["etcd-dc1-a"], ["etcd-dc2-a"], ["etcd-aws-a"], ["etcd-dc1-b"], ["etcd-dc2-b"]])
    let second = try #require(p.step("etcd-upgrade/etcd-dc2-a/unit"))
    #expect(second.dependsOn.contains("etcd-upgrade/etcd-dc1-a/health-gate"))
    for host in phase.batches.flatMap({ $0 }) {
      let gate = try #require(p.step("etcd-upgrade/\(host)/health-gate"))
      #expect(gate.dependsOn == ["etcd-upgrade/\(host)/upgrade"])
      #expect(gate.action == .check)
    }
  }

  /// Every etcd member of `inv` running `version`, all of them members.
  static func running(_ version: String, in inv: Inventory?) throws -> EtcdClusterFacts {
    let inv = try #require(inv)
    let members = try inv.etcdMembers.enumerated().map {
      try EtcdMember(id: String(format: "%016x", $0.offset + 1), name: $0.element.name,
        peerURL: "https://\($0.element.address):2380", started: true)
    }
    return EtcdClusterFacts(hosts: Dictionary(uniqueKeysWithValues: inv.etcdMembers.map {
      ($0.name, EtcdHostFacts(activeState: "active", runningVersion: Version(version), hasData: true, members: members))
    }))
  }
}
