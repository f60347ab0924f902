import Foundation
import LocalExec
import Planning
import Remote
import Testing

@testable import Orchestration

/// What apply hands the executor as already in place and as needing change: only this run's own
/// observations, and, once they are older than the window, only what a new look still agrees with.
@Suite struct RunObservationsTests {
  @Test func onlyStepsObservedAsDesiredAreInPlace() {
    let observed = RunObservations([
      "same": (Observation(.unchanged), nil),
      "differs": (Observation(.change, detail: "mode 0644 -> 0600"), .update),
      "unknown": (Observation(.unknown, detail: "h could not be asked"), nil),
    ])
    #expect(observed.ids == ["same"])
    #expect(observed.toChange == ["differs": "mode 0644 -> 0600"], "an unknown is neither")
    var live = Plan(cluster: "t", playbook: "t", factsFingerprint: nil, phases: [], steps: [
      PlannedStep(id: "same", phase: "p", host: "h", kind: "k", summary: "", action: .create, dependsOn: [], operation: .barrier),
      PlannedStep(id: "differs", phase: "p", host: "h", kind: "k", summary: "", action: .create, dependsOn: [], operation: .barrier),
      PlannedStep(id: "never-observed", phase: "p", host: "h", kind: "k", summary: "", action: .create, dependsOn: [], operation: .barrier),
    ])
    live.observe(["same": (Observation(.unchanged), nil), "differs": (Observation(.change), .update)])
    #expect(RunObservations(livePlan: live).ids == ["same"])
    #expect(RunObservations(livePlan: live).toChange == ["differs": "not as desired when planned"])
  }

  @Test func anObservationOlderThanTheWindowIsMadeAgainAndATamperedStepIsNotTrusted() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-inplace-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
    let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
    for name in ["one", "two"] {
      _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data("x\n".utf8), attributes: [.posixPermissions: 0o600])
    }
    let p = Plan(cluster: "t", playbook: "t", factsFingerprint: nil, phases: [], steps: ["one", "two"].map {
      PlannedStep(id: $0, phase: "p", host: "local", kind: "file", summary: $0, action: .create, dependsOn: [],
        operation: .file(path: "\(dir)/\($0)", content: "x\n", mode: 0o600, owner: user, group: group))
    })
    let fleet = Fleet(transport: LocalTransport(), endpoints: ["local": HostEndpoint(id: "local", address: "localhost", port: 22, user: user)],
      concurrency: 1)
    let observed = RunObservations(await PlanObserver.observe(p, fleet: fleet))
    #expect(observed.ids == ["one", "two"])

    chmod("\(dir)/one", 0o644)
    // Within the window the observation stands (the run is under the cluster lock, and only moments
    // have passed); past it, the hosts are asked again and only what is still in place is trusted.
    #expect(await observed.current(for: p, fleet: fleet, now: observed.at + .seconds(1)).ids == ["one", "two"])
    let again = await observed.current(for: p, fleet: fleet, now: observed.at + RunObservations.freshFor + .seconds(1))
    #expect(again.ids == ["two"])
    // Seen in place when planned, needing change now: checked as usual, not applied unchecked.
    #expect(again.toChange.isEmpty)
  }
}
