import Foundation

/// The output forms of `netpol list` (and, with a change column, of `netpol diff`).
public enum ReportFormat: String, CaseIterable, Sendable {
  case txt, json, csv, md, dot
}

/// Renders a list of connections in roxctl's connectivity-map forms. Pure: a string out.
public enum ConnectionReport {
  public static func render(_ connections: [Connection], as format: ReportFormat) -> String {
    if format == .dot { return dot(connections) }
    return render(rows: connections.map {
      Row(source: $0.source.description, destination: $0.destination.description, connections: $0.connections.description)
    }, as: format)
  }

  /// One line of any matrix in the list format: the pod matrix's, or the hosts' (`netpol hosts`).
  public struct Row: Sendable, Equatable {
    public var source: String
    public var destination: String
    public var connections: String
    /// For dot only: nodes drawn as ovals (external ranges); the others are boxes.
    public var sourceIsExternal: Bool
    public init(source: String, destination: String, connections: String, sourceIsExternal: Bool = false) {
      self.source = source
      self.destination = destination
      self.connections = connections
      self.sourceIsExternal = sourceIsExternal
    }
    public var line: String { "\(source) => \(destination) : \(connections)" }
  }

  /// Rows in the same forms as `render(_:as:)`; dot has no namespace clusters here.
  public static func render(rows: [Row], as format: ReportFormat) -> String {
    switch format {
    case .txt:
      return rows.map { $0.line + "\n" }.joined()
    case .csv:
      return "src,dst,conn\n" + rows.map { "\(CSV.field($0.source)),\(CSV.field($0.destination)),\(CSV.field($0.connections))\n" }.joined()
    case .md:
      return "| src | dst | conn |\n|-----|-----|------|\n" + rows.map { "| \($0.source) | \($0.destination) | \($0.connections) |\n" }.joined()
    case .json:
      return JSONText.array(rows.map { ["src": $0.source, "dst": $0.destination, "conn": $0.connections] })
    case .dot:
      var out = "digraph {\n", seen = Set<String>()
      for r in rows {
        if seen.insert(r.source).inserted { out += "  \(DOT.quote(r.source)) [shape=\(r.sourceIsExternal ? "oval" : "box")]\n" }
      }
      for r in rows where seen.insert(r.destination).inserted { out += "  \(DOT.quote(r.destination)) [shape=box]\n" }
      for r in rows { out += "  \(DOT.quote(r.source)) -> \(DOT.quote(r.destination)) [label=\(DOT.quote(r.connections))]\n" }
      return out + "}\n"
    }
  }

  /// A Graphviz digraph: workloads as boxes clustered by namespace, external ranges as ovals, one labelled edge per line.
  static func dot(_ connections: [Connection]) -> String {
    var nodes: Set<Endpoint> = []
    for c in connections {
      nodes.insert(c.source)
      nodes.insert(c.destination)
    }
    var byNamespace: [String: [Endpoint]] = [:]
    var externals: [Endpoint] = []
    for n in nodes {
      if let w = n.workload { byNamespace[w.namespace, default: []].append(n) } else { externals.append(n) }
    }
    var out = "digraph {\n"
    for (i, ns) in byNamespace.keys.sorted().enumerated() {
      out += "  subgraph cluster_\(i) {\n    label=\(DOT.quote(ns))\n"
      for n in (byNamespace[ns] ?? []).sorted() { out += "    \(DOT.quote(n.description)) [shape=box]\n" }
      out += "  }\n"
    }
    for n in externals.sorted() { out += "  \(DOT.quote(n.description)) [shape=oval]\n" }
    for c in connections {
      out += "  \(DOT.quote(c.source.description)) -> \(DOT.quote(c.destination.description)) [label=\(DOT.quote(c.connections.description))]\n"
    }
    return out + "}\n"
  }
}

/// CSV field quoting (RFC 4180): quoted when it holds a comma, a quote or a line break.
enum CSV {
  static func field(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

/// Graphviz ID quoting.
enum DOT {
  static func quote(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}

/// Pretty, key-sorted JSON from plain values; JSONSerialization cannot fail on strings, numbers,
/// arrays and dictionaries.
enum JSONText {
  static func array(_ items: [Any]) -> String { render(items) }
  static func render(_ value: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
