import Inventory
import Remote
import Support

/// Inventory + playbook (+ facts, later) → Plan. Pure: it never sees a host.
///
/// Built from ordered passes, each one job:
/// 1. order each phase's hosts (sites interleaved for quorum-safe phases) and cut them into batches;
/// 2. expand every step entry per host through its kind, checking parameters;
/// 3. chain steps within a host, batches within a phase, and phases to the phases they come after;
/// 4. insert a health gate after each host of a quorum-safe phase;
/// The result is acyclic by construction: a step only ever depends on steps created before it
/// (earlier in its host's chain, an earlier batch, or a phase listed earlier; naming a later phase in
/// `after` is an error). So no cycle check is needed here; `Plan.validateGraph()` checks plans read
/// from disk.
public struct Planner: Sendable {
  public var kinds: [String: any StepKind]
  /// Hosts the facts show are already in the running cluster; `new:ROLE` targets leave them out.
  public var established: Set<String>

  public init(kinds: [String: any StepKind] = StepKinds.generic, established: Set<String> = []) {
    self.kinds = kinds
    self.established = established
  }

  public func plan(_ inv: Inventory, playbook: Playbook) -> Result<Plan, DiagnosticsError> {
    var diagnostics: [Diagnostic] = []
    var steps: [PlannedStep] = []
    var plannedPhases: [PlannedPhase] = []
    /// For each finished phase: the last step of each host, and the steps that end the phase.
    var lastByHost: [String: [HostID: [String]]] = [:]
    var terminal: [String: [String]] = [:]
    let checker = ParamChecker(playbook: playbook)
    let phaseNames = Set(playbook.phases.map(\.name))
    let topology = Topology(inv)

    // Pass 1 for every phase up front, so the step list is sized once. One step per entry per host
    // is a lower bound; entries that expand to several steps took the bootstrap playbook to 1.7
    // times that, and growing past it copied the whole list (4% of a 10,000-host plan). So twice
    // the bound is reserved: capacity never written is address space, not memory, since the
    // kernel only backs the pages that are used.
    let hostsByPhase = playbook.phases.map { orderedHosts($0, inv) }
    steps.reserveCapacity(2 * zip(playbook.phases, hostsByPhase).reduce(0) { total, pair in
      total + pair.1.count * (pair.0.steps.count + 1) + 2
    })

    for (index, phase) in playbook.phases.enumerated() {
      // Pass 0: what this phase waits for.
      let after = phase.after ?? (index > 0 ? [playbook.phases[index - 1].name] : [])
      for (i, name) in after.enumerated() where !phaseNames.contains(name) || lastByHost[name] == nil {
        let path = phase.path + ".after[\(i)]"
        let why = phaseNames.contains(name) ? "comes later in the playbook" : "does not exist"
        diagnostics.append(.error("unknown-phase", "phase \"\(phase.name)\" runs after \"\(name)\", which \(why)",
          at: playbook.location(path), path: path, hint: suggestion(for: name, in: playbook.phases.map(\.name))))
      }
      let predecessors = after.filter { lastByHost[$0] != nil }
      // A host in several predecessor phases waits for its last step in each of them.
      var inheritedLast: [HostID: [String]] = [:]
      var inheritedTerminal: [String] = []
      for p in predecessors {
        // The first is taken whole (its table shared until this phase writes its own last steps).
        if inheritedLast.isEmpty {
          inheritedLast = lastByHost[p]!
        } else {
          inheritedLast.merge(lastByHost[p]!) { old, new in old + new.filter { !old.contains($0) } }
        }
        inheritedTerminal += terminal[p]!
      }

      // Pass 1: hosts, ordered and batched.
      let hosts = hostsByPhase[index]
      let batchSize = phase.ordering.batchSize(hostCount: hosts.count, budget: inv.kubernetes.upgrade)
      let batches = stride(from: 0, to: hosts.count, by: max(batchSize, 1)).map {
        Array(hosts[$0..<min($0 + batchSize, hosts.count)])
      }
      plannedPhases.append(PlannedPhase(
        name: phase.name, target: phase.targets.map(\.description).joined(separator: ", "),
        ordering: phase.ordering.description, batches: batches.map { $0.map(\.name) }))

      /// Joins a wide set of predecessors into one node, so fan-in stays linear in plan size.
      var barriers: [String: String] = [:]
      func join(_ deps: [String], as name: String, waitingFor what: String) -> [String] {
        guard deps.count > 1 else { return deps }
        if let existing = barriers[name] { return [existing] }
        let id = "\(phase.name)/\(name)"
        steps.append(PlannedStep(
          id: id, phase: phase.name, host: "", kind: "barrier", summary: "wait for \(what) (\(deps.count) steps)", action: .noop,
          dependsOn: deps, operation: .barrier))
        barriers[name] = id
        return [id]
      }
      var phaseLast: [HostID: String] = [:]
      var phaseEnds: [String] = []
      var previousBatchEnds: [String] = []
      var position = 0
      var specs = phase.steps
      if phase.ordering == .quorumSafe, let gate = phase.gate { specs.append(gate) }
      // Pass 2a: resolve each entry's kind and, when it has no `{{ }}`, check its parameters once
      // for the whole phase; templated entries are checked per host, with that host's values.
      var resolved: [(spec: StepSpec, kind: any StepKind, fixed: Params?)] = []
      for spec in specs {
        guard let kind = kinds[spec.kind] else {
          if !hosts.isEmpty {
            let p = spec.path + ".kind"
            diagnostics.append(.error("unknown-step-kind", "unknown step kind \"\(spec.kind)\"",
              at: playbook.location(p), path: p, hint: suggestion(for: spec.kind, in: kinds.keys.sorted())))
          }
          continue
        }
        if Template.isTemplated(spec.params) {
          resolved.append((spec, kind, nil))
          continue
        }
        var problems: [Diagnostic] = []
        guard let params = checker.check(spec, kind: kind, variables: [:], into: &problems) else {
          if !hosts.isEmpty { diagnostics += problems }
          continue
        }
        resolved.append((spec, kind, params))
      }
      // Entries whose drafts are the same on every host, expanded for the first host that has them.
      var shared = [[StepDraft]?](repeating: nil, count: resolved.count)
      for (batchNumber, batch) in batches.enumerated().map({ ($0 + 1, $1) }) {
        var batchEnds: [String] = []
        for host in batch {
          defer { position += 1 }
          // Pass 2b: expand the host's steps, plus its gate in quorum-safe phases, and pass 3: chain
          // them within the host; the first step waits for this host's previous phase (or the whole
          // previous phase when the host was not in it) and for the previous batch.
          let idPrefix = phase.name + "/" + host.name + "/"
          var previous: String?
          // Names used so far on this host in this phase, and how often: a few, so a list beats a
          // dictionary (no hashing, no table per host).
          var seenNames: [(name: String, count: Int)] = []
          func place(_ draft: StepDraft, kind kindName: String) {
            var name = draft.name
            if let k = seenNames.firstIndex(where: { $0.name == draft.name }) {
              seenNames[k].count += 1
              name += "-\(seenNames[k].count)"
            } else {
              seenNames.append((draft.name, 1))
            }
            let id = idPrefix + name
            var deps: [String] = []
            if let previous {
              deps = [previous]
            } else {
              // Later batches reach the earlier phases through the batch before them.
              if let own = inheritedLast[host.name], phase.waitsForAll != true {
                deps = own
              } else if batchNumber == 1 || phase.waitsForAll == true {
                deps = join(inheritedTerminal, as: "ready", waitingFor: "phase " + predecessors.joined(separator: ", "))
              }
              deps += join(previousBatchEnds, as: "batch-\(batchNumber)-ready", waitingFor: "batch \(batchNumber - 1)")
            }
            steps.append(PlannedStep(
              id: id, phase: phase.name, host: draft.runsOn ?? host.name, kind: kindName, summary: draft.summary,
              action: draft.action, dependsOn: deps, operation: draft.operation))
            previous = id
          }
          for (r, (spec, kind, fixed)) in resolved.enumerated() {
            if let same = shared[r] {
              for d in same.indices { place(same[d], kind: spec.kind) }  // by index: no copy of each draft
              continue
            }
            var params: Params
            if let fixed {
              params = fixed
            } else {
              var paramProblems: [Diagnostic] = []
              guard let checked = checker.check(spec, kind: kind, variables: Template.variables(inv, host), into: &paramProblems)
              else {
                if position == 0 { diagnostics += paramProblems }
                continue
              }
              params = checked
            }
            let context = ExpansionContext(
              inventory: inv, host: host, phase: phase, hostsInOrder: hosts, position: position, params: params,
              topology: topology)
            let expanded = kind.expand(context)
            if fixed != nil && kind.sameForEveryHost { shared[r] = expanded }
            for d in expanded.indices { place(expanded[d], kind: spec.kind) }
          }
          if let previous {
            phaseLast[host.name] = previous
            batchEnds.append(previous)
          }
        }
        if !batchEnds.isEmpty { previousBatchEnds = batchEnds }
        phaseEnds += batchEnds
      }
      // An empty phase passes its predecessors through.
      for (host, last) in phaseLast { inheritedLast[host] = [last] }
      lastByHost[phase.name] = inheritedLast
      terminal[phase.name] = phaseEnds.isEmpty ? inheritedTerminal : phaseEnds
    }

    if diagnostics.hasErrors { return .failure(DiagnosticsError(diagnostics)) }
    return .success(Plan(cluster: inv.name, playbook: playbook.name, factsFingerprint: nil, phases: plannedPhases, steps: steps))
  }

  /// Union of the phase's targets in inventory order; quorum-safe phases interleave sites so that
  /// members are brought up one site after another (dc1, dc2, cloud, dc1, …).
  func orderedHosts(_ phase: Phase, _ inv: Inventory) -> [ClusterHost] {
    var seen = Set<String>()
    var hosts: [ClusterHost] = []
    for target in phase.targets {
      for h in target.hosts(in: inv, established: established) where seen.insert(h.name).inserted { hosts.append(h) }
    }
    guard phase.ordering == .quorumSafe else { return hosts }
    var bySite: [(site: String, hosts: [ClusterHost])] = []
    for h in hosts {
      let site = h.site ?? ""
      if let i = bySite.firstIndex(where: { $0.site == site }) { bySite[i].hosts.append(h) } else { bySite.append((site, [h])) }
    }
    var out: [ClusterHost] = []
    var round = 0
    while out.count < hosts.count {
      for group in bySite where round < group.hosts.count { out.append(group.hosts[round]) }
      round += 1
    }
    return out
  }
}
