import Foundation
import SafeYAML
import Support

/// The advisory data Bulwark matches versions against: the file shipped in the bundle, plus whatever
/// the operator imported into the state file. Values only: merging returns a new database, and nothing
/// here touches a file except `load` and `save`.
public struct AdvisoryDatabase: Sendable {
  public private(set) var data: AdvisoryData

  public init(data: AdvisoryData) { self.data = data }

  /// The data shipped with Bulwark (`Resources/advisories.json`).
  public static func shipped() throws(AdvisoryError) -> AdvisoryDatabase {
    guard let url = Bundle.module.url(forResource: "advisories", withExtension: "json") else {
      throw AdvisoryError(.dataMissing, "the shipped advisories.json is missing from the bundle")
    }
    return try load(path: url.path, displayName: "advisories.json")
  }

  /// Bulwark's own format from a file; every problem is reported with its position.
  public static func load(path: String, displayName: String? = nil) throws(AdvisoryError) -> AdvisoryDatabase {
    switch YAMLLoader().load(path: path, displayName: displayName) {
    case .failure(let e): throw .badInput(e.diagnostics)
    case .success(let doc):
      switch BulwarkFormatReader.read(doc) {
      case .failure(let e): throw .badInput(e.diagnostics)
      case .success(let data): return AdvisoryDatabase(data: data)
      }
    }
  }

  /// The shipped data merged with the state file at `statePath`, when that file exists.
  public static func installed(statePath: String) throws(AdvisoryError) -> AdvisoryDatabase {
    let base = try shipped()
    guard FileManager.default.fileExists(atPath: statePath) else { return base }
    return base.merging(try load(path: statePath).data)
  }

  /// This data with `other` laid over it: an advisory with the same id (or sharing an alias) is
  /// replaced, conditions and end-of-life lines are replaced by id and by line, sources are unioned.
  public func merging(_ other: AdvisoryData) -> AdvisoryDatabase {
    var out = data
    for incoming in other.advisories {
      let names = incoming.names
      out.advisories.removeAll { !$0.names.isDisjoint(with: names) }
      out.advisories.append(incoming)
    }
    for c in other.conditions {
      out.conditions.removeAll { $0.id == c.id }
      out.conditions.append(c)
    }
    for e in other.endOfLife {
      out.endOfLife.removeAll { $0.line == e.line && !Set($0.components).isDisjoint(with: e.components) }
      out.endOfLife.append(e)
    }
    for s in other.sources where !out.sources.contains(s) { out.sources.append(s) }
    out.generated = max(out.generated, other.generated)
    out.advisories.sort { $0.id < $1.id }
    return AdvisoryDatabase(data: out)
  }

  /// Writes the data as Bulwark's format, atomically (a temporary file renamed over the target).
  public func save(to path: String) throws(AdvisoryError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      let bytes = try encoder.encode(data)
      let url = URL(fileURLWithPath: path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try (bytes + Data("\n".utf8)).write(to: url, options: .atomic)
    } catch {
      throw AdvisoryError(.saveFailed, "cannot write \(path): \(error)")
    }
  }

  /// Whether an advisory has `name` as its id or one of its aliases.
  public func knows(_ name: String) -> Bool { data.advisories.contains { $0.names.contains(name) } }

  public func condition(_ id: String) -> Condition {
    data.conditions.first { $0.id == id } ?? Condition(id: id, description: id)
  }

  /// Advisories that name `component`, sorted by id.
  public func advisories(for component: Component? = nil) -> [Advisory] {
    data.advisories.filter { component == nil || $0.components.contains(component!) }.sorted { $0.id < $1.id }
  }

  /// Every advisory affecting `component` at `version`: a condition known false removes the match,
  /// an unknown one is kept as pending. Sorted by severity (worst first), then id.
  public func matches(component: Component, version: UpstreamVersion, conditions: ConditionFacts = [:]) -> [AdvisoryMatch] {
    var out: [AdvisoryMatch] = []
    for advisory in data.advisories {
      for affected in advisory.affected where affected.components.contains(component) && affected.contains(version) {
        guard let pending = pending(affected.conditions, conditions) else { continue }
        out.append(AdvisoryMatch(
          advisory: advisory, component: component, installed: version.text, fix: affected.fix(for: version),
          pendingConditions: pending))
        break
      }
    }
    return Self.ordered(out)
  }

  /// `matches` for a version string; an unparsable one is an `unknown-version` error naming it.
  public func matches(component: Component, version text: String, conditions: ConditionFacts = [:]) throws(AdvisoryError) -> [AdvisoryMatch] {
    guard let v = UpstreamVersion(text) else { throw .unknownVersion(text, component: component) }
    return matches(component: component, version: v, conditions: conditions)
  }

  /// For host audits: a Debian package at a Debian version (`dpkg-query` output). A Debian fix record
  /// for the release decides (so a backport counts as fixed); otherwise the upstream part of the
  /// version is matched against the upstream ranges. Packages Bulwark does not know match nothing.
  public func packageMatches(
    release: String, package: String, debianVersion: DebianVersion, conditions: ConditionFacts = [:]
  ) -> [AdvisoryMatch] {
    guard let component = Component.allCases.first(where: { $0.debianPackages.contains(package) }) else { return [] }
    let source = component.debianSource
    var out: [AdvisoryMatch] = []
    for advisory in data.advisories {
      let affected = advisory.affected.filter { $0.components.contains(component) }
      guard !affected.isEmpty else { continue }
      let record = advisory.debianFixes.first { $0.release == release && ($0.package == package || $0.package == source) }
      let fix: FixAdvice
      var conds: [String] = []
      if let record {
        guard let fixed = record.fixedVersion, debianVersion < fixed else { continue }
        fix = .package(fixed)
        conds = affected.first?.conditions ?? []
      } else {
        guard let up = debianVersion.upstreamRelease, let hit = affected.first(where: { $0.contains(up) }) else { continue }
        fix = hit.fix(for: up)
        conds = hit.conditions
      }
      guard let pending = pending(conds, conditions) else { continue }
      out.append(AdvisoryMatch(
        advisory: advisory, component: component, installed: "\(package) \(debianVersion)", fix: fix, pendingConditions: pending))
    }
    return Self.ordered(out)
  }

  /// The end-of-life record for the version's line, if its project no longer supports it on `today`
  /// (a record dated after `today` is not in force yet; without `today`, every record counts).
  public func endOfLife(component: Component, version: UpstreamVersion, today: Day? = nil) -> EndOfLife? {
    data.endOfLife.first { e in
      guard e.components.contains(component), e.line == version.line else { return false }
      guard let today, let date = e.date.flatMap(Day.init) else { return true }
      return date <= today
    }
  }

  /// nil when a condition is known false; otherwise the conditions still unknown.
  private func pending(_ ids: [String], _ facts: ConditionFacts) -> [Condition]? {
    var out: [Condition] = []
    for id in ids {
      switch facts[id] {
      case .some(false): return nil
      case .some(true): continue
      case .none: out.append(condition(id))
      }
    }
    return out
  }

  static func ordered(_ m: [AdvisoryMatch]) -> [AdvisoryMatch] {
    m.sorted { a, b in
      a.advisory.severity.level != b.advisory.severity.level
        ? a.advisory.severity.level > b.advisory.severity.level : a.advisory.id < b.advisory.id
    }
  }
}

extension Component {
  /// Debian's source package, which the security tracker and fix records name.
  public var debianSource: String {
    switch self {
    case .openssh: return "openssh"
    case .containerd: return "containerd"
    case .runc: return "runc"
    case .etcd: return "etcd"
    default: return rawValue
    }
  }
}
