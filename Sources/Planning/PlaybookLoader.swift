import Foundation
import Inventory
import SafeYAML
import Support
import Yams

/// Reads `playbooks/*.yaml`. A playbook is data: phases, their targets and ordering, and step kinds
/// with parameters. Step kinds and their parameters are checked by the planner, which knows them.
public struct PlaybookLoader: Sendable {
  public var yaml: YAMLLoader
  public init(yaml: YAMLLoader = YAMLLoader()) { self.yaml = yaml }

  public func load(path: String, displayName: String? = nil) -> Result<Playbook, DiagnosticsError> {
    switch yaml.load(path: path, displayName: displayName) {
    case .failure(let e): return .failure(e)
    case .success(let doc): return decode(doc)
    }
  }

  public func parse(_ bytes: [UInt8], file: String) -> Result<Playbook, DiagnosticsError> {
    switch yaml.parse(bytes, file: file) {
    case .failure(let e): return .failure(e)
    case .success(let doc): return decode(doc)
    }
  }

  func decode(_ doc: YAMLDocument) -> Result<Playbook, DiagnosticsError> {
    let r = NodeReader(file: doc.file)
    var playbook: Playbook?
    if let top = r.fields(doc.root, at: "", known: ["apiVersion", "kind", "name", "description", "phases"]) {
      if let v = top.string("apiVersion", required: true), v != InventoryLoader.apiVersion {
        r.error("invalid-value", "unsupported apiVersion \"\(v)\"", at: top.value("apiVersion")!, path: "apiVersion")
      }
      if let k = top.string("kind", required: true), k != "Playbook" {
        r.error("invalid-value", "kind must be \"Playbook\", found \"\(k)\"", at: top.value("kind")!, path: "kind")
      }
      let name = top.string("name", required: true)
      let phases = top.list("phases", required: true) { n, p in phase(n, at: p, r) }
      if let name, let phases {
        var seen: [String: String] = [:]
        for phase in phases {
          if let first = seen[phase.name] {
            r.report(.error("duplicate-phase", "duplicate phase name \"\(phase.name)\" (first at \(first))",
              at: r.locations[phase.path + ".name"], path: phase.path + ".name"))
          }
          seen[phase.name] = phase.path
        }
        playbook = Playbook(
          name: name, description: top.string("description"), phases: phases, file: doc.file, locations: r.locations)
      }
    }
    if r.diagnostics.hasErrors || playbook == nil { return .failure(DiagnosticsError(r.diagnostics)) }
    return .success(playbook!)
  }

  func phase(_ node: Node, at path: String, _ r: NodeReader) -> Phase? {
    guard let f = r.fields(node, at: path, known: ["name", "hosts", "order", "after", "gate", "steps", "wait"]) else { return nil }
    let name = f.string("name", required: true)
    // `hosts: role:control-plane, role:worker` is the union of both.
    var targets: [PhaseTarget]?
    if let t = f.string("hosts", required: true) {
      targets = []
      for part in t.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        if let target = PhaseTarget(part) {
          targets?.append(target)
        } else {
          targets = nil
          r.error("invalid-value", "\"\(part)\" is not a host target", at: f.value("hosts")!, path: f.path("hosts"),
            hint: "write all, role:NAME, new:ROLE, site:NAME or host:NAME, separated by commas")
          break
        }
      }
    }
    let ordering = self.ordering(f, r) ?? .parallel
    let gate = f.node("gate").flatMap { step($0, at: f.path("gate"), r) }
    let steps = f.list("steps", required: true) { n, p in step(n, at: p, r) }
    var waitsForAll = false
    if let wait = f.string("wait") {
      if wait == "all" { waitsForAll = true } else if wait != "host" {
        r.error("invalid-value", "wait is \"\(wait)\"; it must be all or host", at: f.value("wait")!, path: f.path("wait"))
      }
    }
    guard let name, let targets, let steps else { return nil }
    return Phase(
      name: name, targets: targets, ordering: ordering, after: f.strings("after"), gate: gate, steps: steps, path: path,
      waitsForAll: waitsForAll ? true : nil)
  }

  func ordering(_ f: Fields, _ r: NodeReader) -> PhaseOrdering? {
    guard let node = f.node("order") else { return nil }
    // `order: parallel`, `order: quorum-safe`, or `order: {serial: 2}` / `{serial: 20%}`.
    if case .scalar = node, let text = r.string(node, at: f.path("order")) {
      switch text {
      case "parallel": return .parallel
      case "quorum-safe": return .quorumSafe
      default:
        r.error("invalid-value", "\"\(text)\" is not an ordering", at: node, path: f.path("order"),
          hint: "write parallel, quorum-safe, or {serial: N} / {serial: N%} / {serial: disruption-budget}")
        return nil
      }
    }
    return f.object("order", known: ["serial"]) { o -> PhaseOrdering? in
      guard let s = o.string("serial", required: true) else { return nil }
      if s == "disruption-budget" { return .disruptionBudget }
      if s.hasSuffix("%"), let p = Int(s.dropLast()), (1...100).contains(p) { return .serialPercent(p) }
      if let n = Int(s), n >= 1 { return .serial(n) }
      r.error("invalid-value", "serial must be a positive count or a percentage, found \"\(s)\"", at: o.value("serial")!,
        path: o.path("serial"))
      return nil
    }
  }

  func step(_ node: Node, at path: String, _ r: NodeReader) -> StepSpec? {
    guard case .mapping(let m) = node else {
      r.error("wrong-type", "expected a step mapping with a kind, found \(r.describe(node))", at: node, path: path)
      return nil
    }
    // Parameters depend on the kind; the planner checks them against the kind's declaration.
    let keys = Array(m.keys.compactMap(\.string))
    guard let f = r.fields(node, at: path, known: keys), let kind = f.string("kind", required: true) else { return nil }
    var params: [String: ParamValue] = [:]
    for key in keys where key != "kind" {
      if let v = value(f.value(key)!, at: f.path(key), r) { params[key] = v }
    }
    return StepSpec(kind: kind, params: params, path: path)
  }

  func value(_ node: Node, at path: String, _ r: NodeReader) -> ParamValue? {
    switch node {
    case .scalar: return r.string(node, at: path).map(ParamValue.string)
    case .sequence: return r.list(node, at: path) { n, p in value(n, at: p, r) }.map(ParamValue.list)
    case .mapping(let m):
      let keys = Array(m.keys.compactMap(\.string))
      guard let f = r.fields(node, at: path, known: keys) else { return nil }
      var out: [String: ParamValue] = [:]
      for k in keys { out[k] = value(f.value(k)!, at: f.path(k), r) }
      return .map(out)
    case .alias:
      r.error("wrong-type", "aliases are not supported in playbooks", at: node, path: path)
      return nil
    }
  }
}
