import Foundation
import Planning
import Steps
import Remote
import Support

/// Asks the hosts how each planned step stands, read-only, in one batched probe per host: already
/// as desired, to change (what differs, and a unified diff for text files), or not known. Gates and
/// other run-time checkpoints are not observed; a fetched file is looked for on this machine.
enum PlanObserver {
  static func observe(_ plan: Plan, fleet: Fleet) async -> [String: (Observation, Action?)] {
    var result: [String: (Observation, Action?)] = [:]
    var byHost: [HostID: [(id: String, step: any ProbedStep)]] = [:]
    for s in plan.steps where s.action != .check && s.operation != .barrier {
      if case .fetch(_, _, let local) = s.operation {
        result[s.id] = FileManager.default.fileExists(atPath: local)
          ? (Observation(.unchanged), nil) : (Observation(.change, detail: "\(local) is not there yet"), .run)
        continue
      }
      guard let probed = StepFactory.make(s) as? any ProbedStep else {
        result[s.id] = (Observation(.unknown, detail: "decided when the run gets there"), nil)
        continue
      }
      byHost[s.host, default: []].append((s.id, probed))
    }
    let hosts = byHost.keys.sorted()
    let scripts = byHost.mapValues { ($0.count, ProbeBatch.script($0.map(\.step.probe))) }
    let outcomes = await fleet.run(on: hosts) { host -> [ProbeOutput?] in
      let (count, script) = scripts[host.id]!
      let r = try await host.run(RemoteCommand(["sh", "-c", script]))
      return ProbeBatch.parse(r.stdoutText, count: count)
    }
    for o in outcomes {
      let steps = byHost[o.host]!
      switch o.result {
      case .failure(let error):
        for s in steps { result[s.id] = (Observation(.unknown, detail: "\(o.host) could not be asked: \(describe(error))"), nil) }
      case .success(let outputs):
        for (i, s) in steps.enumerated() {
          guard let out = outputs[i] else {
            result[s.id] = (Observation(.unknown, detail: "no answer from the probe"), nil)
            continue
          }
          do {
            switch try s.step.evaluate(out) {
            case .satisfied: result[s.id] = (Observation(.unchanged), nil)
            case .needsChange(let change):
              // A diff against nothing (a file still to be made) would only repeat the file.
              let diff = s.step.contents(out).flatMap {
                $0.current == $0.desired || $0.current.isEmpty ? nil : $0.describedDifference(host: o.host)
              }
              result[s.id] = (Observation(.change, detail: change.detail, diff: diff), change.action)
            }
          } catch {
            result[s.id] = (Observation(.unknown, detail: "\(error)"), nil)
          }
        }
      }
    }
    return result
  }
}
