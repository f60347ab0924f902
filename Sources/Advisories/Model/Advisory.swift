/// One known vulnerability: its id and aliases, how bad it is, which versions of which components it
/// affects, the conditions under which it applies, and the distribution fixes that do not change the
/// upstream version.
public struct Advisory: Hashable, Sendable, Codable {
  public var id: String
  public var aliases: [String]
  public var summary: String
  /// Publication date, `YYYY-MM-DD`, where the source gives one.
  public var published: String?
  public var severity: Severity
  public var affected: [Affected]
  public var debianFixes: [DebianFix]
  public var references: [String]
  public var notes: String?

  public init(
    id: String, aliases: [String] = [], summary: String, published: String? = nil, severity: Severity,
    affected: [Affected], debianFixes: [DebianFix] = [], references: [String] = [], notes: String? = nil
  ) {
    self.id = id
    self.aliases = aliases
    self.summary = summary
    self.published = published
    self.severity = severity
    self.affected = affected
    self.debianFixes = debianFixes
    self.references = references
    self.notes = notes
  }

  /// The id and every alias: what a waiver or an import may name this advisory by.
  public var names: Set<String> { Set([id] + aliases) }

  public var components: Set<Component> { Set(affected.flatMap(\.components)) }
}

/// Which versions of some components an advisory affects, and under which conditions.
public struct Affected: Hashable, Sendable, Codable {
  public var components: [Component]
  /// OSV semantics: a version is affected when any range says so.
  public var ranges: [VersionRange]
  /// Ids of `Condition`s that must all hold for the advisory to apply (empty: always).
  public var conditions: [String]

  public init(components: [Component], ranges: [VersionRange], conditions: [String] = []) {
    self.components = components
    self.ranges = ranges
    self.conditions = conditions
  }
}

/// One OSV range: introduced / fixed / last_affected events. They are kept sorted by version, since
/// some published records list them out of order and OSV's evaluation needs them sorted.
public struct VersionRange: Hashable, Sendable, Codable {
  public var type: String
  public private(set) var events: [RangeEvent]

  public init(type: String = "SEMVER", events: [RangeEvent]) {
    self.type = type
    self.events = RangeEvent.sorted(events)
  }

  enum CodingKeys: String, CodingKey { case type, events }
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(type: try c.decode(String.self, forKey: .type), events: try c.decode([RangeEvent].self, forKey: .events))
  }
}

/// An OSV range event.
public enum RangeEvent: Hashable, Sendable, Codable {
  case introduced(UpstreamVersion)
  case fixed(UpstreamVersion)
  case lastAffected(UpstreamVersion)

  public var version: UpstreamVersion {
    switch self {
    case .introduced(let v), .fixed(let v), .lastAffected(let v): return v
    }
  }

  /// The OSV key: `introduced`, `fixed`, `last_affected`.
  public var kind: String {
    switch self {
    case .introduced: return "introduced"
    case .fixed: return "fixed"
    case .lastAffected: return "last_affected"
    }
  }

  public init?(kind: String, version: UpstreamVersion) {
    switch kind {
    case "introduced": self = .introduced(version)
    case "fixed": self = .fixed(version)
    case "last_affected": self = .lastAffected(version)
    default: return nil
    }
  }

  /// By version; at equal versions a closing event before an opening one, so `fixed: 1.15.0,
  /// introduced: 1.15.0` (seen in published records) leaves 1.15.0 itself affected only if reopened.
  static func sorted(_ events: [RangeEvent]) -> [RangeEvent] {
    events.enumerated().sorted { a, b in
      if a.element.version != b.element.version { return a.element.version < b.element.version }
      let ra = a.element.isOpening ? 1 : 0, rb = b.element.isOpening ? 1 : 0
      return ra != rb ? ra < rb : a.offset < b.offset
    }.map(\.element)
  }

  var isOpening: Bool { if case .introduced = self { return true } else { return false } }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: DynamicKey.self)
    guard let key = c.allKeys.first, c.allKeys.count == 1 else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an event has one key"))
    }
    let text = try c.decode(String.self, forKey: key)
    guard let v = UpstreamVersion(text), let e = RangeEvent(kind: key.stringValue, version: v) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad event \(key.stringValue): \(text)"))
    }
    self = e
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: DynamicKey.self)
    try c.encode(version.text, forKey: DynamicKey(kind))
  }
}

extension UpstreamVersion: Codable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let v = UpstreamVersion(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown version \(text)"))
    }
    self = v
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(text)
  }
}

struct DynamicKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ s: String) { stringValue = s }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// A circumstance that decides whether an advisory applies when the version alone does not
/// (`windows-nodes`, an admission plugin that mitigates). The caller says which hold.
public struct Condition: Hashable, Sendable, Codable {
  public var id: String
  public var description: String
  public init(id: String, description: String) {
    self.id = id
    self.description = description
  }
}

/// A distribution package version that carries the fix although its upstream version is still in an
/// affected range (Debian backports): `bookworm`, `openssh-server`, `1:9.2p1-2+deb12u3`.
/// `fixedVersion` nil means Debian marks this release's package as never affected.
public struct DebianFix: Hashable, Sendable, Codable {
  public var release: String
  public var package: String
  public var fixedVersion: DebianVersion?

  public init(release: String, package: String, fixedVersion: DebianVersion?) {
    self.release = release
    self.package = package
    self.fixedVersion = fixedVersion
  }

  enum CodingKeys: String, CodingKey { case release, package, fixedVersion }
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    release = try c.decode(String.self, forKey: .release)
    package = try c.decode(String.self, forKey: .package)
    let text = try c.decode(String.self, forKey: .fixedVersion)
    fixedVersion = text == "not-affected" ? nil : DebianVersion(text)
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(release, forKey: .release)
    try c.encode(package, forKey: .package)
    try c.encode(fixedVersion?.description ?? "not-affected", forKey: .fixedVersion)
  }
}

/// A release line its project no longer supports: running it warns even without a known advisory.
public struct EndOfLife: Hashable, Sendable, Codable {
  public var components: [Component]
  public var line: String
  /// `YYYY-MM-DD`; nil when the project states the end by policy rather than by date.
  public var date: String?
  public var reference: String

  public init(components: [Component], line: String, date: String?, reference: String) {
    self.components = components
    self.line = line
    self.date = date
    self.reference = reference
  }
}

/// Where the data came from, for the file's header.
public struct DataSource: Hashable, Sendable, Codable {
  public var title: String
  public var url: String
  public init(title: String, url: String) {
    self.title = title
    self.url = url
  }
}

/// The whole advisory data set as Bulwark's own file holds it.
public struct AdvisoryData: Hashable, Sendable, Codable {
  public static let schemaName = "bulwark-advisories/v1"
  public var schema: String
  /// When the data was gathered, `YYYY-MM-DD`.
  public var generated: String
  public var sources: [DataSource]
  public var conditions: [Condition]
  public var advisories: [Advisory]
  public var endOfLife: [EndOfLife]

  public init(
    generated: String, sources: [DataSource] = [], conditions: [Condition] = [], advisories: [Advisory] = [],
    endOfLife: [EndOfLife] = []
  ) {
    self.schema = AdvisoryData.schemaName
    self.generated = generated
    self.sources = sources
    self.conditions = conditions
    self.advisories = advisories
    self.endOfLife = endOfLife
  }
}
