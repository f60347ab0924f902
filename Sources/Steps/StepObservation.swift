import Planning
import Remote

/// How planned steps stand on a host, from their read-only probes: the one algorithm behind a live
/// plan's observations and drift's findings. Each step's probe output is evaluated purely; a step
/// that differs carries what differs and, for text, a unified diff.
public enum StepObservation {
  /// One step against its probe's output (nil: the probe gave no answer for it).
  /// A diff against nothing (a file still to be made) would only repeat the file, so it is left out.
  public static func observe(_ step: any ProbedStep, output: ProbeOutput?, host: HostID) -> (Observation, Action?) {
    guard let output else { return (Observation(.unknown, detail: "no answer from the probe"), nil) }
    do {
      switch try step.evaluate(output) {
      case .satisfied: return (Observation(.unchanged), nil)
      case .needsChange(let change):
        let diff = step.contents(output).flatMap {
          $0.current == $0.desired || $0.current.isEmpty ? nil : $0.describedDifference(host: host)
        }
        return (Observation(.change, detail: change.detail, diff: diff), change.action)
      }
    } catch {
      return (Observation(.unknown, detail: "\(error)"), nil)
    }
  }

  /// The steps of one host, probed in one round trip: the batch script to run, and how to read its
  /// output back into one observation per step (in the steps' order).
  public struct Batch: Sendable {
    public let host: HostID
    public let steps: [any ProbedStep]
    /// Probes run after the steps' own, in the same script (e.g. drift's hardening and etcd facts).
    public let extraProbes: [String]

    public init(host: HostID, steps: [any ProbedStep], extraProbes: [String] = []) {
      self.host = host
      self.steps = steps
      self.extraProbes = extraProbes
    }

    public var script: String { ProbeBatch.script(steps.map(\.probe) + extraProbes) }

    /// Each step's observation, then the extra probes' raw outputs.
    public func read(_ stdout: String) -> (steps: [(Observation, Action?)], extra: [ProbeOutput?]) {
      let outputs = ProbeBatch.parse(stdout, count: steps.count + extraProbes.count)
      let observed = steps.enumerated().map { i, step in observe(step, output: outputs[i], host: host) }
      return (observed, Array(outputs.dropFirst(steps.count)))
    }
  }
}
