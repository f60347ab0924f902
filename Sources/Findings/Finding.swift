import Foundation

/// One result a check reports, in a form every CI format can carry: a rule, a level, a message and
/// where it was found (a file position, a logical place such as a host, or both). Audit, drift,
/// validation, advisories and network-policy exposure all report through this type, so SARIF and
/// JUnit are written once.
public struct Finding: Hashable, Sendable, Codable {
  public enum Level: String, Hashable, Sendable, Codable, Comparable {
    case note, warning, error
    private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
  }

  /// A position in a file (1-based line and column); `file` as the user gave it.
  public struct Position: Hashable, Sendable, Codable {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
      self.file = file
      self.line = line
      self.column = column
    }
  }

  public var ruleID: String
  public var level: Level
  public var message: String
  public var position: Position?
  /// A place that is not a file: a host, a workload, a component. `kind` is SARIF's logical kind.
  public var logicalName: String?
  public var logicalKind: String?
  /// Set when a waiver or exception covers the finding: reported, but suppressed with this reason.
  public var suppressedBecause: String?

  public init(
    ruleID: String, level: Level, message: String, position: Position? = nil,
    logicalName: String? = nil, logicalKind: String? = nil, suppressedBecause: String? = nil
  ) {
    self.ruleID = ruleID
    self.level = level
    self.message = message
    self.position = position
    self.logicalName = logicalName
    self.logicalKind = logicalKind
    self.suppressedBecause = suppressedBecause
  }
}

/// What a rule is, for SARIF's `tool.driver.rules`.
public struct FindingRule: Hashable, Sendable, Codable {
  public var id: String
  public var title: String
  public var helpURI: String?
  /// Extra facts carried as SARIF rule properties (for example a CIS number or a CVSS score).
  public var properties: [String: String]
  public init(id: String, title: String, helpURI: String? = nil, properties: [String: String] = [:]) {
    self.id = id
    self.title = title
    self.helpURI = helpURI
    self.properties = properties
  }
}

/// SARIF 2.1.0 and JUnit XML for a list of findings. Pure: a string out, nothing printed.
public enum FindingFormats {
  /// A SARIF 2.1.0 log with one run. Rules not given are made from the first finding that names them.
  public static func sarif(_ findings: [Finding], rules: [FindingRule] = [], toolVersion: String? = nil) -> String {
    var ruleList = rules
    var known = Set(rules.map(\.id))
    for f in findings where known.insert(f.ruleID).inserted {
      ruleList.append(FindingRule(id: f.ruleID, title: f.ruleID))
    }
    let ruleObjects: [[String: Any]] = ruleList.map { r in
      var o: [String: Any] = ["id": r.id, "name": r.id, "shortDescription": ["text": r.title]]
      if let uri = r.helpURI { o["helpUri"] = uri }
      if !r.properties.isEmpty { o["properties"] = r.properties }
      return o
    }
    let index = Dictionary(uniqueKeysWithValues: ruleList.enumerated().map { ($1.id, $0) })
    let results: [[String: Any]] = findings.map { f in
      var location: [String: Any] = [:]
      if let p = f.position {
        location["physicalLocation"] = [
          "artifactLocation": ["uri": p.file],
          "region": ["startLine": max(p.line, 1), "startColumn": max(p.column, 1)],
        ]
      }
      if let name = f.logicalName {
        var logical: [String: Any] = ["name": name]
        if let kind = f.logicalKind { logical["kind"] = kind }
        location["logicalLocations"] = [logical]
      }
      var result: [String: Any] = [
        "ruleId": f.ruleID, "ruleIndex": index[f.ruleID] ?? 0, "level": f.level.rawValue,
        "message": ["text": f.message],
      ]
      if !location.isEmpty { result["locations"] = [location] }
      if let reason = f.suppressedBecause {
        result["suppressions"] = [["kind": "external", "justification": reason]]
      }
      return result
    }
    var driver: [String: Any] = ["name": "bulwark", "rules": ruleObjects]
    if let v = toolVersion { driver["version"] = v }
    let doc: [String: Any] = [
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
      "runs": [["tool": ["driver": driver], "results": results]],
    ]
    // JSONSerialization cannot fail on this tree of strings, numbers, arrays and dictionaries.
    let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// JUnit XML: one suite per group (a host, a file, a component), one test case per check that ran;
  /// findings at `error` level are failures, suppressed ones are skipped with their reason.
  /// `passed` names checks that ran clean, per group, so a pipeline sees them counted.
  public static func junit(suite name: String, findings: [Finding], passed: [String: [String]] = [:],
                           group: (Finding) -> String) -> String {
    var groups: [String: [Finding]] = [:]
    for f in findings { groups[group(f), default: []].append(f) }
    let names = Set(groups.keys).union(passed.keys).sorted()
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"\(XML.escape(name))\">\n"
    for g in names {
      let fs = groups[g] ?? [], ok = passed[g] ?? []
      let failures = fs.filter { $0.level == .error && $0.suppressedBecause == nil }.count
      let skipped = fs.filter { $0.suppressedBecause != nil }.count
      out += "  <testsuite name=\"\(XML.escape(g))\" tests=\"\(fs.count + ok.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
      for t in ok { out += "    <testcase classname=\"\(XML.escape(g))\" name=\"\(XML.escape(t))\"/>\n" }
      for f in fs {
        out += "    <testcase classname=\"\(XML.escape(g))\" name=\"\(XML.escape(f.ruleID))\">"
        if let reason = f.suppressedBecause {
          out += "<skipped message=\"\(XML.escape(reason))\"/>"
        } else if f.level == .error {
          out += "<failure message=\"\(XML.escape(f.message))\"/>"
        } else {
          out += "<system-out>\(XML.escape(f.level.rawValue + ": " + f.message))</system-out>"
        }
        out += "</testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }
}

/// The one XML/HTML escaper: text and attribute values alike.
public enum XML {
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
