/// One pair whose allowed connections differ between two versions of the manifests.
public struct ConnectionChange: Hashable, Sendable {
  public enum Kind: String, Sendable, Hashable { case added, removed, changed }
  public var kind: Kind
  public var source: Endpoint
  public var destination: Endpoint
  public var before: ConnectionSet
  public var after: ConnectionSet

  /// `changed SRC => DST : BEFORE -> AFTER` (a side with nothing is `No Connections`).
  public var line: String { "\(kind.rawValue) \(source) => \(destination) : \(before) -> \(after)" }
}

/// What a change to the manifests does to connectivity: pairs whose connections appear, disappear or change.
public enum ConnectivityDiff {
  /// Both sides are split at the union of their ipBlock boundaries, so external ranges line up.
  public static func compare(_ before: Manifests, _ after: Manifests) -> [ConnectionChange] {
    let old = ConnectivityAnalysis(before, extraBoundaries: ExternalRanges.blocks(after.policies))
    let new = ConnectivityAnalysis(after, extraBoundaries: ExternalRanges.blocks(before.policies))
    struct Pair: Hashable { var source: String, destination: String }
    var oldByPair: [Pair: Connection] = [:]
    for c in old.connections() { oldByPair[Pair(source: c.source.description, destination: c.destination.description)] = c }
    var changes: [ConnectionChange] = []
    for c in new.connections() {
      let key = Pair(source: c.source.description, destination: c.destination.description)
      if let was = oldByPair.removeValue(forKey: key) {
        if was.connections != c.connections {
          changes.append(ConnectionChange(kind: .changed, source: c.source, destination: c.destination,
                                          before: was.connections, after: c.connections))
        }
      } else {
        changes.append(ConnectionChange(kind: .added, source: c.source, destination: c.destination,
                                        before: .none, after: c.connections))
      }
    }
    for c in oldByPair.values {
      changes.append(ConnectionChange(kind: .removed, source: c.source, destination: c.destination,
                                      before: c.connections, after: .none))
    }
    return changes.sorted { ($0.source, $0.destination) < ($1.source, $1.destination) }
  }

  public static func render(_ changes: [ConnectionChange], as format: ReportFormat) -> String {
    switch format {
    case .txt:
      return changes.map { $0.line + "\n" }.joined()
    case .csv:
      return "diff-type,src,dst,before,after\n" + changes.map {
        [$0.kind.rawValue, $0.source.description, $0.destination.description, $0.before.description,
         $0.after.description].map(CSV.field).joined(separator: ",") + "\n"
      }.joined()
    case .md:
      return "| diff-type | src | dst | before | after |\n|-----------|-----|-----|--------|-------|\n" + changes.map {
        "| \($0.kind.rawValue) | \($0.source) | \($0.destination) | \($0.before) | \($0.after) |\n"
      }.joined()
    case .json:
      return JSONText.array(changes.map {
        ["diff-type": $0.kind.rawValue, "src": $0.source.description, "dst": $0.destination.description,
         "before": $0.before.description, "after": $0.after.description]
      })
    case .dot:
      var out = "digraph {\n"
      for c in changes {
        let color = c.kind == .added ? "green" : c.kind == .removed ? "red" : "orange"
        out += "  \(DOT.quote(c.source.description)) -> \(DOT.quote(c.destination.description)) [label=\(DOT.quote("\(c.before) -> \(c.after)")), color=\(color)]\n"
      }
      return out + "}\n"
    }
  }
}
