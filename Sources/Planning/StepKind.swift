import Foundation
import Inventory
import Support

/// What a step kind is given to expand one playbook entry for one host.
public struct ExpansionContext: Sendable {
  public let inventory: Inventory
  public let host: ClusterHost
  public let phase: Phase
  /// The hosts of the phase in run order, and this host's position among them.
  public let hostsInOrder: [ClusterHost]
  public let position: Int
  public let params: Params
  /// Role lists computed once per plan, so kinds never rescan the inventory per host.
  public let topology: Topology
}

/// The inventory's hosts by role, computed once per plan.
public struct Topology: Sendable {
  public let controlPlanes: [ClusterHost]
  public let lbHosts: [ClusterHost]
  /// `Inventory.etcdMembers`.
  public let etcdMembers: [ClusterHost]
  public init(_ inv: Inventory) {
    controlPlanes = inv.hosts(with: .controlPlane)
    lbHosts = inv.hosts(with: .lb)
    etcdMembers = inv.etcdMembers
  }
}

/// One step before it gets its id and dependencies.
public struct StepDraft: Sendable {
  /// Unique within the host and phase: `data-dir`, `start`.
  public var name: String
  public var summary: String
  public var action: Action
  public var operation: StepOperation
  /// The host that runs the step when it is not the one it is about: cordoning a worker runs on
  /// the first control plane. It stays in the chain of the host it is about.
  public var runsOn: String?

  public init(_ name: String, _ summary: String, action: Action, _ operation: StepOperation, runsOn: String? = nil) {
    self.name = name
    self.summary = summary
    self.action = action
    self.operation = operation
    self.runsOn = runsOn
  }
}

/// A kind of step a playbook may name. The generic kinds (file, directory, …) are `StepKinds.generic`;
/// each domain module lists its own (`EtcdKinds.all`, `KubernetesKinds.all`, `HardeningKinds.all`),
/// and Orchestration's `KindRegistry` composes them into the one registry a plan is made with.
public protocol StepKind: Sendable {
  var name: String { get }
  var parameters: [ParameterSpec] { get }
  /// True when `expand` reads only the inventory and the params, never the host, its position or
  /// the phase's other hosts: the planner then expands an untemplated entry once per phase and
  /// gives every host the same drafts (and the same strings). Default false.
  var sameForEveryHost: Bool { get }
  /// May return no drafts: a kind can decline hosts it does not apply to.
  func expand(_ context: ExpansionContext) -> [StepDraft]
}

extension StepKind {
  public var sameForEveryHost: Bool { false }
}

public struct ParameterSpec: Sendable {
  public enum Shape: Sendable { case string, list, map }
  public var name: String
  public var shape: Shape
  public var required: Bool
  public var defaultValue: String?

  public static func string(_ name: String, required: Bool = false, default value: String? = nil) -> ParameterSpec {
    ParameterSpec(name: name, shape: .string, required: required, defaultValue: value)
  }
  public static func list(_ name: String, required: Bool = false) -> ParameterSpec {
    ParameterSpec(name: name, shape: .list, required: required, defaultValue: nil)
  }
  public static func map(_ name: String, required: Bool = false) -> ParameterSpec {
    ParameterSpec(name: name, shape: .map, required: required, defaultValue: nil)
  }
}

/// A step's parameters after checking and `{{ … }}` substitution.
public struct Params: Sendable {
  var values: [String: ParamValue]
  var defaults: [String: String]

  public func string(_ name: String) -> String { values[name]?.string ?? defaults[name] ?? "" }
  public func optionalString(_ name: String) -> String? { values[name]?.string ?? defaults[name] }
  public func list(_ name: String) -> [String] { values[name]?.list?.compactMap(\.string) ?? [] }
  public func map(_ name: String) -> [String: String] {
    (values[name]?.map ?? [:]).compactMapValues(\.string)
  }
  public func bool(_ name: String) -> Bool { string(name) == "true" }
  /// An octal mode such as "0644"; validated when the params were checked.
  public func mode(_ name: String) -> UInt32 { UInt32(string(name), radix: 8) ?? 0o644 }
}

/// Checks a step entry against its kind: unknown or missing parameters, wrong shapes, bad modes,
/// unknown template variables. Returns checked params, or nil after reporting.
struct ParamChecker {
  let playbook: Playbook

  func check(_ spec: StepSpec, kind: any StepKind, variables: [String: String], into out: inout [Diagnostic]) -> Params? {
    var ok = true
    func fail(_ code: String, _ message: String, _ path: String, hint: String? = nil) {
      out.append(.error(code, message, at: playbook.location(path), path: path, hint: hint))
      ok = false
    }
    let known = kind.parameters.map(\.name)
    for key in spec.params.keys.sorted() where !known.contains(key) {
      fail("unknown-parameter", "step kind \(kind.name) has no parameter \"\(key)\"", spec.path + "." + key,
        hint: known.isEmpty ? "\(kind.name) takes no parameters" : suggestion(for: key, in: known))
    }
    var values: [String: ParamValue] = [:]
    var defaults: [String: String] = [:]
    for p in kind.parameters {
      let path = spec.path + "." + p.name
      guard let value = spec.params[p.name] else {
        if p.required { fail("missing-parameter", "step kind \(kind.name) needs parameter \"\(p.name)\"", spec.path) }
        if let d = p.defaultValue { defaults[p.name] = d }
        continue
      }
      let shapeOK: Bool =
        switch (p.shape, value) {
        case (.string, .string), (.list, .list), (.map, .map): true
        default: false
        }
      if !shapeOK {
        fail("wrong-type", "parameter \"\(p.name)\" of \(kind.name) must be a \(p.shape)", path)
        continue
      }
      switch Template.substitute(value, variables) {
      case .success(let v): values[p.name] = v
      case .failure(let unknown):
        fail("unknown-variable", "unknown template variable \"\(unknown.name)\"", path,
          hint: suggestion(for: unknown.name, in: variables.keys.sorted()))
      }
      if p.name == "mode", let m = value.string, UInt32(m, radix: 8) == nil || m.count > 4 {
        fail("invalid-value", "mode \"\(m)\" is not an octal file mode", path, hint: "write it quoted, e.g. \"0644\"")
      }
    }
    return ok ? Params(values: values, defaults: defaults) : nil
  }
}

/// `{{ host.name }}`-style substitution, nothing more: no logic, no loops.
enum Template {
  struct UnknownVariable: Error { var name: String }

  static func variables(_ inv: Inventory, _ host: ClusterHost) -> [String: String] {
    [
      "cluster.name": inv.name,
      "cluster.domain": inv.network.clusterDomain,
      "host.name": host.name,
      "host.address": host.address.description,
      "host.site": host.site ?? "",
      "versions.etcd": inv.versions.etcd.description,
      "versions.kubernetes": inv.versions.kubernetes?.description ?? "",
      "versions.containerd": inv.versions.containerd?.description ?? "",
    ]
  }

  /// Whether any string in the parameters uses `{{ }}`.
  static func isTemplated(_ params: [String: ParamValue]) -> Bool {
    func check(_ v: ParamValue) -> Bool {
      switch v {
      case .string(let s): s.contains("{{")
      case .list(let l): l.contains(where: check)
      case .map(let m): m.values.contains(where: check)
      }
    }
    return params.values.contains(where: check)
  }

  static func substitute(_ value: ParamValue, _ vars: [String: String]) -> Result<ParamValue, UnknownVariable> {
    switch value {
    case .string(let s):
      return substitute(s, vars).map(ParamValue.string)
    case .list(let items):
      var out: [ParamValue] = []
      for item in items {
        switch substitute(item, vars) {
        case .success(let v): out.append(v)
        case .failure(let e): return .failure(e)
        }
      }
      return .success(.list(out))
    case .map(let m):
      var out: [String: ParamValue] = [:]
      for (k, v) in m {
        switch substitute(v, vars) {
        case .success(let x): out[k] = x
        case .failure(let e): return .failure(e)
        }
      }
      return .success(.map(out))
    }
  }

  static func substitute(_ text: String, _ vars: [String: String]) -> Result<String, UnknownVariable> {
    guard text.contains("{{") else { return .success(text) }
    var out = "", rest = Substring(text)
    while let open = rest.range(of: "{{") {
      out += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else { break }
      let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      guard let value = vars[name] else { return .failure(UnknownVariable(name: name)) }
      out += value
      rest = rest[close.upperBound...]
    }
    return .success(out + rest)
  }
}

/// The kinds every playbook may name whatever the domains: file, directory, user, sysctl, systemd
/// unit, command.
public enum StepKinds {
  public static let generic: [String: any StepKind] = Dictionary(uniqueKeysWithValues: GenericKinds.all.map { ($0.name, $0) })
}
