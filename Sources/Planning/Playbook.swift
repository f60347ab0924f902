import Inventory
import Support

/// A parameter value from a playbook: YAML scalars, lists and mappings, Sendable and Codable.
public enum ParamValue: Sendable, Hashable, Codable {
  case string(String)
  case list([ParamValue])
  case map([String: ParamValue])

  public var string: String? { if case .string(let s) = self { s } else { nil } }
  public var list: [ParamValue]? { if case .list(let l) = self { l } else { nil } }
  public var map: [String: ParamValue]? { if case .map(let m) = self { m } else { nil } }
}

/// Which hosts a phase runs on.
public enum PhaseTarget: Sendable, Hashable, Codable, CustomStringConvertible {
  case all
  case role(Role)
  case site(String)
  case host(String)
  /// `new:ROLE`: hosts with the role that are not yet nodes of the running cluster (scale-out).
  case new(Role)

  public init?(_ text: String) {
    if text == "all" {
      self = .all
      return
    }
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { return nil }
    switch parts[0] {
    case "role": guard let r = Role(rawValue: parts[1]) else { return nil }; self = .role(r)
    case "site": self = .site(parts[1])
    case "host": self = .host(parts[1])
    case "new": guard let r = Role(rawValue: parts[1]) else { return nil }; self = .new(r)
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .all: "all"
    case .role(let r): "role:\(r.rawValue)"
    case .site(let s): "site:\(s)"
    case .host(let h): "host:\(h)"
    case .new(let r): "new:\(r.rawValue)"
    }
  }

  /// The matching hosts in inventory order. `role:etcd` means the etcd members, stacked or not;
  /// `established` names the hosts already in the running cluster (from facts).
  public func hosts(in inv: Inventory, established: Set<String> = []) -> [ClusterHost] {
    switch self {
    case .new(let r): inv.hosts(with: r).filter { !established.contains($0.name) }
    case .all: inv.hosts
    case .role(.etcd): inv.etcdMembers
    case .role(let r): inv.hosts(with: r)
    case .site(let s): inv.hosts.filter { $0.site == s }
    case .host(let h): inv.hosts.filter { $0.name == h }
    }
  }
}

/// How a phase orders its hosts.
public enum PhaseOrdering: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Every host at once (the executor's concurrency bound still applies).
  case parallel
  /// Batches of N hosts; a batch starts when the previous one finished.
  case serial(Int)
  /// Batches of P percent of the hosts, rounded up.
  case serialPercent(Int)
  /// One host at a time, spread across sites, with a health gate after each.
  case quorumSafe
  /// Batches sized by the inventory's disruption budget (`kubernetes.upgrade.maxUnavailable`).
  case disruptionBudget

  public var description: String {
    switch self {
    case .parallel: "parallel"
    case .serial(let n): "serial: \(n)"
    case .serialPercent(let p): "serial: \(p)%"
    case .quorumSafe: "quorum-safe"
    case .disruptionBudget: "disruption-budget"
    }
  }

  func batchSize(hostCount: Int, budget: UpgradePolicy) -> Int {
    switch self {
    case .parallel: max(hostCount, 1)
    case .serial(let n): n
    case .serialPercent(let p): max(1, (hostCount * p + 99) / 100)
    case .quorumSafe: 1
    case .disruptionBudget: budget.batchSize(workers: hostCount)
    }
  }
}

public struct StepSpec: Sendable, Hashable, Codable {
  public var kind: String
  public var params: [String: ParamValue]
  /// YAML path of this step in its playbook, for diagnostics.
  public var path: String
}

public struct Phase: Sendable, Hashable, Codable {
  public var name: String
  /// The union of these targets, in inventory order.
  public var targets: [PhaseTarget]
  public var ordering: PhaseOrdering
  /// Phases this one waits for; nil means the phase listed before it.
  public var after: [String]?
  /// The step kind run after each host in a quorum-safe phase.
  public var gate: StepSpec?
  public var steps: [StepSpec]
  public var path: String
  /// `wait: all`: every host starts only once the phases before are done on every host (a
  /// restore must finish everywhere before any member starts). Default `host`: each host waits
  /// for its own steps there.
  public var waitsForAll: Bool?
}

public struct Playbook: Sendable, Codable {
  public var name: String
  public var description: String?
  public var phases: [Phase]
  /// Where each value was written, for diagnostics raised while planning.
  public var file: String
  public var locations: [String: SourceLocation]

  private enum CodingKeys: String, CodingKey { case name, description, phases }

  public init(name: String, description: String?, phases: [Phase], file: String, locations: [String: SourceLocation]) {
    self.name = name
    self.description = description
    self.phases = phases
    self.file = file
    self.locations = locations
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try c.decode(String.self, forKey: .name), description: try c.decodeIfPresent(String.self, forKey: .description),
      phases: try c.decode([Phase].self, forKey: .phases), file: "", locations: [:])
  }

  public func location(_ path: String) -> SourceLocation {
    SourceMap(file: file, locations: locations).location(path)
  }
}
