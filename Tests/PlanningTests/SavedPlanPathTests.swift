import Foundation
import Planning
import Testing

/// A saved plan names every file on this machine by an absolute path, so it applies from anywhere.
@Suite struct SavedPlanPathTests {
  func step(_ id: String, _ operation: StepOperation) -> PlannedStep {
    PlannedStep(id: id, phase: "p", host: "h1", kind: "k", summary: id, action: .create, dependsOn: [], operation: operation)
  }

  var plan: Plan {
    Plan(cluster: "c", playbook: "bootstrap", factsFingerprint: nil, phases: [], steps: [
      step("rel", .upload(source: "lab/c.state/pki/ca.crt", path: "/etc/ca.crt", sha256: nil, mode: 0o644, owner: "root", group: "root")),
      step("dots", .upload(source: "../cache/./etcd", path: "/opt/etcd", sha256: "ab", mode: 0o755, owner: "root", group: "root")),
      step("abs", .upload(source: "/srv/x", path: "/x", sha256: nil, mode: 0o600, owner: "root", group: "root")),
      step("fetch", .fetch(argv: ["true"], remotePath: "/tmp/s", localPath: "c.state/snapshots/s.db")),
      step("file", .file(path: "relative/is/a/host/path", content: "", mode: 0o644, owner: "root", group: "root")),
    ])
  }

  @Test func everyLocalPathBecomesAbsolute() {
    let resolved = plan.withAbsolutePaths(from: "/work/wt")
    let sources = resolved.steps.map { step -> String? in
      switch step.operation {
      case let .upload(source, _, _, _, _, _): source
      case let .fetch(_, _, local): local
      default: nil
      }
    }
    #expect(sources == ["/work/wt/lab/c.state/pki/ca.crt", "/work/cache/etcd", "/srv/x", "/work/wt/c.state/snapshots/s.db", nil])
    #expect(resolved.steps[4].operation == plan.steps[4].operation, "paths on the host are the host's")
  }

  @Test func thePlaybookFileSurvivesTheJSON() throws {
    var p = plan.withAbsolutePaths(from: "/w")
    p.inventory = "/w/lab.yaml"
    p.playbookFile = "/w/playbooks/bootstrap.yaml"
    let json = try p.renderedJSON()
    let back = try Plan.fromJSON(Data(json.utf8))
    #expect(back.playbookFile == "/w/playbooks/bootstrap.yaml" && back.inventory == "/w/lab.yaml")
    #expect(back.steps == p.steps)
    // The fast writer and Foundation's encoder agree on the new key too.
    #expect(json == (try p.renderedJSONWithFoundation()))
  }
}
