import Support
import SafeYAML
import Yams

/// Reads Bulwark's own advisory file (`bulwark-advisories/v1`) field by field, collecting every problem
/// with its position: the shipped data and imported files in this format go through the same checks.
enum BulwarkFormatReader {
  static func read(_ document: YAMLDocument) -> Result<AdvisoryData, DiagnosticsError> {
    let r = NodeReader(file: document.file)
    let top = r.fields(document.root, at: "", known: ["schema", "generated", "sources", "conditions", "advisories", "endOfLife"])
    guard let top else { return .failure(DiagnosticsError(r.diagnostics)) }
    if let schema = top.string("schema", required: true), schema != AdvisoryData.schemaName, let n = top.node("schema") {
      r.error("unknown-schema", "schema \"\(schema)\" is not \(AdvisoryData.schemaName)", at: n, path: "schema")
    }
    let generated = top.string("generated", required: true) ?? ""
    let sources: [DataSource] = r.optionalList(top, "sources") { n, p in
      guard let f = r.fields(n, at: p, known: ["title", "url"]) else { return nil }
      guard let t = f.string("title", required: true), let u = f.string("url", required: true) else { return nil }
      return DataSource(title: t, url: u)
    }
    let conditions: [Condition] = r.optionalList(top, "conditions") { n, p in
      guard let f = r.fields(n, at: p, known: ["id", "description"]) else { return nil }
      guard let i = f.string("id", required: true), let d = f.string("description", required: true) else { return nil }
      return Condition(id: i, description: d)
    }
    let known = Set(conditions.map(\.id))
    let advisories: [Advisory] = r.optionalList(top, "advisories") { n, p in advisory(n, p, r, known) }
    let eol: [EndOfLife] = r.optionalList(top, "endOfLife") { n, p in endOfLife(n, p, r) }
    var seen: [String: Int] = [:]
    if let list = top.node("advisories")?.sequence {
      for (i, a) in advisories.enumerated() where i < list.count {
        if let first = seen[a.id] {
          r.error("duplicate-advisory", "advisory \(a.id) appears twice (first at advisories[\(first)])", at: list[i], path: "advisories[\(i)]")
        }
        seen[a.id] = i
      }
    }
    if r.diagnostics.hasErrors { return .failure(DiagnosticsError(r.diagnostics)) }
    var data = AdvisoryData(generated: generated, sources: sources, conditions: conditions, advisories: advisories, endOfLife: eol)
    data.schema = AdvisoryData.schemaName
    return .success(data)
  }

  static func components(_ f: Fields, _ key: String, _ r: NodeReader) -> [Component]? {
    guard let list = f.node(key, required: true)?.sequence else {
      if let n = f.node(key) { r.error("wrong-type", "expected a list of component names", at: n, path: f.path(key)) }
      return nil
    }
    var out: [Component] = []
    for (i, n) in list.enumerated() {
      guard let name = r.string(n, at: "\(f.path(key))[\(i)]") else { continue }
      guard let c = Component.named(name) else {
        r.error("unknown-component", "\"\(name)\" is not a component Bulwark knows", at: n, path: "\(f.path(key))[\(i)]",
                hint: suggestion(for: name, in: Component.allCases.map(\.rawValue) + ["kubernetes"]))
        continue
      }
      out += c
    }
    return out
  }

  static func advisory(_ n: Node, _ p: String, _ r: NodeReader, _ conditions: Set<String>) -> Advisory? {
    let keys = ["id", "aliases", "summary", "published", "severity", "affected", "debianFixes", "references", "notes"]
    guard let f = r.fields(n, at: p, known: keys) else { return nil }
    let id = f.string("id", required: true)
    let summary = f.string("summary", required: true)
    let severity = f.object("severity", known: ["level", "score", "vector"], required: true) { s in severityFields(s, r) }
    let affected: [Affected]? = f.list("affected", required: true) { n, p in
      guard let a = r.fields(n, at: p, known: ["components", "ranges", "conditions"]) else { return nil }
      let comps = components(a, "components", r)
      let ranges: [VersionRange]? = a.list("ranges", required: true) { n, p in range(n, p, r) }
      let conds = a.strings("conditions") ?? []
      if let list = a.node("conditions")?.sequence {
        for (i, c) in conds.enumerated() where !conditions.contains(c) && i < list.count {
          r.error("unknown-condition", "condition \"\(c)\" is not declared in conditions", at: list[i], path: a.path("conditions") + "[\(i)]",
                  hint: suggestion(for: c, in: conditions.sorted()))
        }
      }
      guard let comps, let ranges else { return nil }
      return Affected(components: comps, ranges: ranges, conditions: conds)
    }
    let fixes: [DebianFix] = r.optionalList(f, "debianFixes") { n, p in
      guard let d = r.fields(n, at: p, known: ["release", "package", "fixedVersion"]),
        let rel = d.string("release", required: true), let pkg = d.string("package", required: true),
        let fixed = d.string("fixedVersion", required: true)
      else { return nil }
      if fixed == "not-affected" { return DebianFix(release: rel, package: pkg, fixedVersion: nil) }
      guard let v = DebianVersion(fixed) else {
        if let fn = d.node("fixedVersion") {
          r.error("unknown-version", "\"\(fixed)\" is not a Debian version", at: fn, path: d.path("fixedVersion"))
        }
        return nil
      }
      return DebianFix(release: rel, package: pkg, fixedVersion: v)
    }
    guard let id, let summary, let severity, let affected else { return nil }
    return Advisory(
      id: id, aliases: f.strings("aliases") ?? [], summary: summary, published: f.string("published"), severity: severity,
      affected: affected, debianFixes: fixes, references: f.strings("references") ?? [], notes: f.string("notes"))
  }

  static func severityFields(_ s: Fields, _ r: NodeReader) -> Severity? {
    let level = s.choice("level", Severity.Level.self, required: true)
    let score = s.double("score")
    let vector = s.string("vector")
    if let vector, CVSS3.baseScore(vector) == nil, let n = s.node("vector") {
      r.error("bad-cvss", "\"\(vector)\" is not a CVSS v3 vector", at: n, path: s.path("vector"))
    }
    guard let level else { return nil }
    // A published vector without a score gets the computed base score.
    return Severity(level: level, score: score ?? vector.flatMap(CVSS3.baseScore), vector: vector)
  }

  static func range(_ n: Node, _ p: String, _ r: NodeReader) -> VersionRange? {
    guard let f = r.fields(n, at: p, known: ["type", "events"]) else { return nil }
    let type = f.string("type") ?? "SEMVER"
    let events: [RangeEvent]? = f.list("events", required: true) { n, p in event(n, p, r) }
    guard let events else { return nil }
    return VersionRange(type: type, events: events)
  }

  /// One `{introduced|fixed|last_affected: version}` event, as in OSV.
  static func event(_ n: Node, _ p: String, _ r: NodeReader) -> RangeEvent? {
    guard let f = r.fields(n, at: p, known: ["introduced", "fixed", "last_affected", "limit"]) else { return nil }
    for kind in ["introduced", "fixed", "last_affected"] where f.has(kind) {
      guard let vn = f.node(kind), let v = r.upstreamVersion(vn, at: f.path(kind)) else { return nil }
      return RangeEvent(kind: kind, version: v)
    }
    if !f.has("limit") { r.error("bad-event", "an event needs introduced, fixed or last_affected", at: n, path: p) }
    return nil
  }

  static func endOfLife(_ n: Node, _ p: String, _ r: NodeReader) -> EndOfLife? {
    guard let f = r.fields(n, at: p, known: ["components", "line", "date", "reference"]) else { return nil }
    let comps = components(f, "components", r)
    let line = f.string("line", required: true)
    let date = f.string("date")
    if let date, Day(date) == nil, let dn = f.node("date") {
      r.error("bad-date", "\"\(date)\" is not a date (YYYY-MM-DD)", at: dn, path: f.path("date"))
    }
    let ref = f.string("reference", required: true)
    guard let comps, let line, let ref else { return nil }
    return EndOfLife(components: comps, line: line, date: date, reference: ref)
  }
}
