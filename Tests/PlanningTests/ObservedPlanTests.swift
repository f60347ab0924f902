import Foundation
import Inventory
import Planning
import Testing

/// A plan with what the hosts showed: unchanged steps drop out of the text, changes show their
/// detail and diff, the digest follows every observation, and the JSON round-trips it.
@Suite struct ObservedPlanTests {
  func plan() throws -> Plan {
    let text = """
      apiVersion: bulwark.dev/v1alpha1
      kind: Cluster
      metadata: {name: t}
      spec:
        versions: {etcd: 3.5.1}
        etcd: {allowSingleMember: true}
        hosts:
          - {name: h1, address: 10.0.0.1, roles: [etcd]}
      """
    let inv = try #require(InventoryLoader().load(bytes: Array(text.utf8), file: "inv.yaml").inventory)
    let book = try PlaybookLoader().parse(Array("""
      apiVersion: bulwark.dev/v1alpha1
      kind: Playbook
      name: t
      phases:
        - name: p
          hosts: all
          steps:
            - {kind: file, path: /etc/a.conf, content: "a = 1\\n", mode: "0644"}
            - {kind: file, path: /etc/b.conf, content: "b = 1\\n", mode: "0600"}
            - {kind: directory, path: /var/lib/x, mode: "0700"}
      """.utf8), file: "pb.yaml").get()
    return try Planner().plan(inv, playbook: book).get()
  }

  @Test func onlyChangesAreListedWithWhatDiffers() throws {
    var p = try plan()
    let ids = p.steps.map(\.id)
    p.observe([
      ids[0]: (Observation(.change, detail: "content differs", diff: "--- h1:/etc/a.conf\n+++ desired /etc/a.conf\n-a = 2\n+a = 1\n"), .update),
      ids[1]: (Observation(.change, detail: "mode 0644 -> 0600"), .update),
      ids[2]: (Observation(.unchanged), nil),
    ])
    #expect(p.hasChanges && p.isObserved)
    let text = p.renderedText()
    #expect(text.contains("    ~ \(ids[0])") && text.contains("    ~ \(ids[1])"))
    #expect(text.contains("        -a = 2") && text.contains("        mode 0644 -> 0600"))
    #expect(!text.contains(ids[2]))
    #expect(text.hasSuffix("Plan: 0 to add, 2 to change, 0 to remove, 0 to run, 0 checks; 1 unchanged.\n"))
    // The saved form keeps the observations.
    let again = try Plan.fromJSON(Data(try p.renderedJSON().utf8))
    #expect(again.steps.map(\.observed) == p.steps.map(\.observed))
    #expect(try again.renderedJSON() == (try p.renderedJSONWithFoundation()))
  }

  @Test func theDigestFollowsEveryObservation() throws {
    var a = try plan(), b = try plan()
    let ids = a.steps.map(\.id)
    a.observe([ids[0]: (Observation(.unchanged), nil)])
    b.observe([ids[0]: (Observation(.unchanged), nil)])
    #expect(a.observationDigest(facts: "f") == b.observationDigest(facts: "f"))
    #expect(a.observationDigest(facts: "f") != a.observationDigest(facts: "g"))
    b.observe([ids[0]: (Observation(.change, detail: "mode 0644 -> 0600"), .update)])
    #expect(a.observationDigest(facts: "f") != b.observationDigest(facts: "f"))
    // Nothing to change: the plan says so.
    a.observe([ids[1]: (Observation(.unchanged), nil), ids[2]: (Observation(.unchanged), nil)])
    #expect(!a.hasChanges)
    #expect(a.renderedText().contains("(nothing to do on its 1 host)"))
  }
}
