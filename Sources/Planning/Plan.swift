import Crypto
import Remote
import Support

/// One node of the plan's DAG.
public struct PlannedStep: Sendable, Hashable, Codable {
  /// Stable and readable: `etcd-members/etcd-dc1-a/start`.
  public var id: String
  public var phase: String
  public var host: HostID
  public var kind: String
  public var summary: String
  public var action: Action
  public var dependsOn: [String]
  public var operation: StepOperation
  /// What the host showed when the plan was made from live facts; nil for an offline plan.
  public var observed: Observation?

  public init(
    id: String, phase: String, host: HostID, kind: String, summary: String, action: Action, dependsOn: [String],
    operation: StepOperation
  ) {
    self.id = id
    self.phase = phase
    self.host = host
    self.kind = kind
    self.summary = summary
    self.action = action
    self.dependsOn = dependsOn
    self.operation = operation
  }
}

/// A step as the host showed it when planning: already as desired, to change (with what differs,
/// and a unified diff for text files), or not known (the host could not be asked, or the step is a
/// checkpoint of the run: a health gate, a snapshot).
public struct Observation: Sendable, Hashable, Codable {
  public enum State: String, Sendable, Hashable, Codable { case unchanged, change, unknown }
  public var state: State
  public var detail: String?
  public var diff: String?
  public init(_ state: State, detail: String? = nil, diff: String? = nil) {
    self.state = state
    self.detail = detail
    self.diff = diff
  }
}

/// A phase as planned: which hosts, in which order, in which batches.
public struct PlannedPhase: Sendable, Hashable, Codable {
  public var name: String
  public var target: String
  public var ordering: String
  /// Hosts in run order, grouped into batches that run one after another.
  public var batches: [[HostID]]
}

/// The artifact `bulwark plan` prints and `apply` executes: printable, JSON, diffable.
public struct Plan: Sendable, Codable {
  public var formatVersion = 1
  public var cluster: String
  public var playbook: String
  /// A digest of the facts the plan was made from; nil when planned without facts.
  public var factsFingerprint: String?
  /// The inventory the plan was made from, for `apply PLAN.json` (an absolute path).
  public var inventory: String?
  /// The playbook file the plan was made from, for `apply PLAN.json` (an absolute path); nil for a
  /// built-in playbook and for plans saved before it was recorded.
  public var playbookFile: String?
  public var phases: [PlannedPhase]
  public var steps: [PlannedStep]
  /// What the Kubernetes preflight checks and, for a live plan, what each node lacks (in words,
  /// `host: message`); nil when the playbook builds no Kubernetes nodes.
  public var preflight: [String]?

  public init(cluster: String, playbook: String, factsFingerprint: String?, phases: [PlannedPhase], steps: [PlannedStep]) {
    self.cluster = cluster
    self.playbook = playbook
    self.factsFingerprint = factsFingerprint
    self.phases = phases
    self.steps = steps
  }

  // These go over the steps by index (so does `counts`): iterating `steps` copies every step whole,
  // each of its strings retained and released; reading `steps[i].field` copies the one field.
  public var hasChanges: Bool { steps.indices.contains { steps[$0].action != .noop && steps[$0].action != .check } }

  /// Whether the plan was made from live observations of the hosts.
  public var isObserved: Bool { steps.indices.contains { steps[$0].observed != nil } }

  /// Applies observations: a step the host already satisfies becomes a no-op; one to change takes
  /// the action the check reported (create when absent, update when it differs, …).
  public mutating func observe(_ observations: [String: (Observation, Action?)]) {
    for i in steps.indices {
      guard let (o, action) = observations[steps[i].id] else { continue }
      steps[i].observed = o
      switch o.state {
      case .unchanged: steps[i].action = .noop
      case .change: if let action { steps[i].action = action }
      case .unknown: break
      }
    }
  }

  /// A digest of what the hosts showed for every observed step (gates and other checkpoints
  /// excluded) and of the facts: a saved plan is applied only while it still matches.
  public func observationDigest(facts: String?) -> String {
    var text = (facts ?? "-") + "\n"
    for s in steps where s.action != .check {
      guard let o = s.observed else { continue }
      text += "\(s.id)|\(o.state.rawValue)|\(o.detail ?? "")|\(o.diff.map { hexString(SHA256.hash(data: Array($0.utf8))) } ?? "")\n"
    }
    return hexString(SHA256.hash(data: Array(text.utf8)))
  }

  public func step(_ id: String) -> PlannedStep? { steps.first { $0.id == id } }

  /// For plans read from a file: unique ids, known dependencies, no cycles.
  public func validateGraph() -> [String] {
    var problems: [String] = []
    var graph = DirectedGraph()
    for s in steps {
      if graph.contains(s.id) { problems.append("duplicate step id \(s.id)") }
      graph.add(s.id)
    }
    for s in steps {
      for d in s.dependsOn {
        if !graph.contains(d) { problems.append("step \(s.id) depends on unknown step \(d)") }
        graph.add(s.id, dependsOn: d)
      }
    }
    if problems.isEmpty, case .failure(let cycle) = graph.topologicalOrder() { problems.append("\(cycle)") }
    return problems
  }

  public struct Counts: Sendable, Equatable {
    public var create = 0, update = 0, delete = 0, run = 0, check = 0, noop = 0
  }

  public var counts: Counts {
    var c = Counts()
    for i in steps.indices {
      switch steps[i].action {
      case .create: c.create += 1
      case .update: c.update += 1
      case .delete: c.delete += 1
      case .run: c.run += 1
      case .check: c.check += 1
      case .noop: c.noop += 1
      }
    }
    return c
  }
}
