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
  public var phases: [PlannedPhase]
  public var steps: [PlannedStep]

  public init(cluster: String, playbook: String, factsFingerprint: String?, phases: [PlannedPhase], steps: [PlannedStep]) {
    self.cluster = cluster
    self.playbook = playbook
    self.factsFingerprint = factsFingerprint
    self.phases = phases
    self.steps = steps
  }

  public var hasChanges: Bool { steps.contains { $0.action != .noop && $0.action != .check } }

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
    for s in steps {
      switch s.action {
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
