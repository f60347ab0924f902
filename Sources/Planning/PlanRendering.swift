import Foundation

extension PlannedStep {
  /// The host the step is about: the middle part of its id (`phase/HOST/name`).
  public var subject: String {
    let parts = id.split(separator: "/", maxSplits: 2)
    return parts.count == 3 ? String(parts[1]) : host
  }
}

extension Plan {
  /// Per phase, per host: `+ id  summary`. Cross-host waits are shown, since they are the plan's
  /// real shape (member order, batches, gates).
  public func renderedText() -> String {
    var out: [String] = []
    let real = steps.filter { $0.operation != .barrier }
    let hostCount = Set(real.map(\.host)).count
    out.append("Plan for cluster \"\(cluster)\", playbook \"\(playbook)\": \(real.count) steps on \(hostCount) hosts")
    let observed = isObserved
    if observed {
      let unchanged = steps.filter { $0.action == .noop && $0.operation != .barrier }.count
      out.append("(planned from live facts \(factsFingerprint.map { String($0.prefix(12)) } ?? "-"): what differs on each host; \(unchanged) steps already as desired are not listed; every step is checked again at apply)")
    } else if let factsFingerprint {
      out.append("(planned from facts \(factsFingerprint.prefix(12)): membership and versions as the hosts report them; every step is checked again at apply)")
    } else {
      out.append("(planned without facts: each step is shown as it would run on a fresh host)")
    }
    if let preflight, !preflight.isEmpty {
      out.append("")
      out.append("preflight (kubeadm's checks, before anything runs)")
      out += preflight.map { "  \($0)" }
    }
    var byPhaseHost: [String: [String: [PlannedStep]]] = [:]
    var barrierSummary: [String: String] = [:]
    for s in steps where s.operation == .barrier { barrierSummary[s.id] = s.summary }
    // A step run from another host (a drain from the first control plane) is listed under the host
    // it is about, the one its id names.
    for s in steps where s.operation != .barrier && !(observed && s.action == .noop) {
      byPhaseHost[s.phase, default: [:]][s.subject, default: []].append(s)
    }
    let width = steps.map(\.id.count).max() ?? 0
    for phase in phases {
      out.append("")
      out.append("phase \(phase.name) (\(phase.target); \(phase.ordering))")
      let hosts = byPhaseHost[phase.name] ?? [:]
      if hosts.isEmpty {
        let matched = phase.batches.reduce(0) { $0 + $1.count }
        out.append(matched == 0 ? "  (no steps: no host matches)" : "  (nothing to do on its \(matched) host\(matched == 1 ? "" : "s"))")
        continue
      }
      var number = 0
      for (b, batch) in phase.batches.enumerated() {
        if phase.batches.count > 1, phase.ordering.hasPrefix("serial") || phase.ordering == "disruption-budget" { out.append("  batch \(b + 1) of \(phase.batches.count)") }
        for host in batch {
          guard let hostSteps = hosts[host] else { continue }
          number += 1
          let prefix = phase.ordering == "quorum-safe" ? "\(number). " : ""
          let external = hostSteps.first.map { first in
            first.dependsOn.filter { d in !d.hasPrefix("\(phase.name)/\(host)/") && d.hasPrefix("\(phase.name)/") }
              .map { d in barrierSummary[d].map { "\(d): \($0)" } ?? d }
          } ?? []
          let waits = external.isEmpty ? "" : " (after \(external.joined(separator: ", ")))"
          out.append("  \(prefix)\(host)\(waits)")
          for s in hostSteps {
            let elsewhere = s.host == host ? "" : " (run on \(s.host))"
            out.append("    \(s.action.symbol) \(s.id)\(String(repeating: " ", count: width - s.id.count))  \(s.summary)\(elsewhere)")
            if let o = s.observed, o.state != .unchanged {
              let lead = String(repeating: " ", count: 8)
              if let d = o.detail {
                // One difference per line when there are many ("key 0 -> 1, key 1 -> 0, …").
                let parts = d.count > 100 ? d.components(separatedBy: ", ") : [d]
                out += parts.enumerated().map { lead + ($0.offset == 0 && o.state == .unknown ? "not known: " : "") + $0.element }
              }
              if let diff = o.diff { out += diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { lead + $0 } }
            }
          }
        }
      }
    }
    let c = counts
    out.append("")
    out.append("Plan: \(c.create) to add, \(c.update) to change, \(c.delete) to remove, \(c.run) to run, \(c.check) checks"
      + (observed ? "; \(c.noop - steps.filter { $0.operation == .barrier }.count) unchanged." : "."))
    return out.joined(separator: "\n") + "\n"
  }

  /// Stable, sorted-key JSON: the saved-plan format.
  public func renderedJSON() throws -> String { PlanJSONWriter.write(self) }

  /// The same document through Foundation's JSONEncoder; tests check the fast writer against it.
  public func renderedJSONWithFoundation() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  public static func fromJSON(_ data: Data) throws -> Plan {
    try JSONDecoder().decode(Plan.self, from: data)
  }

  /// Graphviz: one cluster per phase, an edge per dependency.
  public func renderedDOT() -> String {
    func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
    var out = ["digraph plan {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
    for (i, phase) in phases.enumerated() {
      out.append("  subgraph cluster_\(i) {")
      out.append("    label=\(q("\(phase.name) (\(phase.ordering))"));")
      for s in steps where s.phase == phase.name && s.operation == .barrier {
        out.append("    \(q(s.id)) [shape=point, label=\"\"];")
      }
      for s in steps where s.phase == phase.name && s.operation != .barrier {
        out.append("    \(q(s.id)) [label=\(q("\(s.action.symbol) \(s.host)\\n\(s.kind)"))];")
      }
      out.append("  }")
    }
    for s in steps { for d in s.dependsOn { out.append("  \(q(d)) -> \(q(s.id));") } }
    out.append("}")
    return out.joined(separator: "\n") + "\n"
  }
}
