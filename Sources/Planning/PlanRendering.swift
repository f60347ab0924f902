import Foundation

extension PlannedStep {
  /// The host the step is about: the middle part of its id (`phase/HOST/name`).
  public var subject: String { PlanText.subject(id, host: host) }
}

extension Plan {
  /// Per phase, per host: `+ id  summary`. Cross-host waits are shown, since they are the plan's
  /// real shape (member order, batches, gates). Written into one string in a single pass over the
  /// steps (grouped by index, never copied), so it costs the plan's size and no more.
  public func renderedText() -> String {
    var out = PlanText(capacity: steps.count * 160)
    render(into: &out)
    return out.text
  }

  /// The same text handed to `sink` as UTF-8 in pieces of about `chunk` bytes, each ending at a
  /// line's end, so a 10,000-host plan is never held whole in memory next to the plan (the CLI
  /// writes each piece as it comes). The bytes are only valid during the call.
  public func writeText(chunk: Int = 1 << 20, to sink: @escaping (UnsafeRawBufferPointer) -> Void) {
    var out = PlanText(capacity: chunk + 4096, chunk: chunk, flush: sink)
    render(into: &out)
    out.flushRest()
  }

  private func render(into out: inout PlanText) {
    // Through a buffer pointer, so reading a step borrows it where the array's subscript copied
    // it whole (copying and freeing steps was 3% of a 10,000-host plan).
    steps.withUnsafeBufferPointer { render(steps: $0, into: &out) }
  }

  private func render(steps: UnsafeBufferPointer<PlannedStep>, into out: inout PlanText) {
    var real = 0, unchanged = 0, width = 0
    var hostNames = Set<String>()
    let observed = isObserved
    var barrierSummary: [String: String] = [:]
    // A step run from another host (a drain from the first control plane) is listed under the host
    // it is about, the one its id names.
    var phaseIndex: [String: Int] = [:]
    for (i, phase) in phases.enumerated() where phaseIndex[phase.name] == nil { phaseIndex[phase.name] = i }
    var byPhaseHost = [[String: [Int]]](repeating: [:], count: phases.count)
    var idWidths = [Int](repeating: 0, count: steps.count)
    // Steps come in runs of one host and one phase, so each table is asked only when the run
    // changes (hashing every step's host, phase and subject was 3% of a 10,000-host plan).
    var lastHost: String?
    var lastPhase: (name: String, index: Int?)?
    var run: (phase: Int, subject: String, steps: [Int])?
    for i in steps.indices {
      let ascii = PlanText.isPrintableASCII(steps[i].id)
      idWidths[i] = ascii ? steps[i].id.utf8.count : steps[i].id.count
      width = max(width, idWidths[i])
      if case .barrier = steps[i].operation {
        barrierSummary[steps[i].id] = steps[i].summary
        continue
      }
      real += 1
      if steps[i].host != lastHost {
        hostNames.insert(steps[i].host)
        lastHost = steps[i].host
      }
      if steps[i].action == .noop {
        unchanged += 1
        if observed { continue }
      }
      if lastPhase?.name != steps[i].phase { lastPhase = (steps[i].phase, phaseIndex[steps[i].phase]) }
      guard let p = lastPhase?.index else { continue }
      let subject = PlanText.subject(steps[i].id, host: steps[i].host, printableASCII: ascii)
      if run?.phase == p, run?.subject == subject {
        run!.steps.append(i)  // in place: nothing else holds the run's list
        continue
      }
      if let r = run { byPhaseHost[r.phase][r.subject, default: []].append(contentsOf: r.steps) }
      run = (p, subject, [i])
    }
    if let r = run { byPhaseHost[r.phase][r.subject, default: []].append(contentsOf: r.steps) }
    out.line("Plan for cluster \"\(cluster)\", playbook \"\(playbook)\": \(real) steps on \(hostNames.count) hosts")
    if observed {
      out.line("(planned from live facts \(factsFingerprint.map { String($0.prefix(12)) } ?? "-"): what differs on each host; \(unchanged) steps already as desired are not listed; every step is checked again at apply)")
    } else if let factsFingerprint {
      out.line("(planned from facts \(factsFingerprint.prefix(12)): membership and versions as the hosts report them; every step is checked again at apply)")
    } else {
      out.line("(planned without facts: each step is shown as it would run on a fresh host)")
    }
    if let preflight, !preflight.isEmpty {
      out.line("")
      out.line("preflight (kubeadm's checks, before anything runs)")
      for p in preflight { out.line("  \(p)") }
    }
    let padding = String(repeating: " ", count: width)
    for (p, phase) in phases.enumerated() {
      out.line("")
      out.line("phase \(phase.name) (\(phase.target); \(phase.ordering))")
      // Steps are grouped by phase name: a name listed twice shows them under both.
      let hosts = byPhaseHost[phaseIndex[phase.name] ?? p]
      if hosts.isEmpty {
        let matched = phase.batches.reduce(0) { $0 + $1.count }
        out.line(matched == 0 ? "  (no steps: no host matches)" : "  (nothing to do on its \(matched) host\(matched == 1 ? "" : "s"))")
        continue
      }
      let batched = phase.batches.count > 1 && (phase.ordering.hasPrefix("serial") || phase.ordering == "disruption-budget")
      let numbered = phase.ordering == "quorum-safe"
      let phasePrefix = "\(phase.name)/"
      var number = 0
      for (b, batch) in phase.batches.enumerated() {
        if batched { out.line("  batch \(b + 1) of \(phase.batches.count)") }
        for host in batch {
          guard let hostSteps = hosts[host], let first = hostSteps.first else { continue }
          number += 1
          out.append("  ")
          if numbered { out.append("\(number). ") }
          out.append(host)
          let own = "\(phasePrefix)\(host)/"
          var waits = 0
          for d in steps[first].dependsOn where !d.hasPrefix(own) && d.hasPrefix(phasePrefix) {
            out.append(waits == 0 ? " (after " : ", ")
            out.append(d)
            if let summary = barrierSummary[d] {
              out.append(": ")
              out.append(summary)
            }
            waits += 1
          }
          out.line(waits == 0 ? "" : ")")
          for i in hostSteps { out.step(steps[i], idWidth: idWidths[i], under: host, width: width, padding: padding) }
        }
      }
    }
    let c = counts
    out.line("")
    out.line("Plan: \(c.create) to add, \(c.update) to change, \(c.delete) to remove, \(c.run) to run, \(c.check) checks"
      + (observed ? "; \(c.noop - (steps.count - real)) unchanged." : "."))
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
