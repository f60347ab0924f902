import Findings
import Hardening
import NetworkPolicy

/// The report's network section: the host matrix Bulwark's firewall allows (`HostMatrix`) and,
/// when manifests were given, the pod matrix their NetworkPolicies allow (`ConnectivityAnalysis`),
/// each a table in the `netpol` list format (a graph does not scale past a few hundred workloads).
/// Rows an exposure finding names are highlighted and carry the finding (`HostExposure`,
/// `Exposure`). Every table can be cut down to the highlighted rows (a checkbox, CSS only) and to
/// rows holding a text (a filter box: the page's one inline script; without it every row shows).
public struct NetworkSection: Sendable {
  public struct Pods: Sendable {
    /// The manifests as given (`--manifests`), for the heading.
    public var paths: [String]
    public var connections: [Connection]
    public var findings: [Finding]
    public init(paths: [String], connections: [Connection], findings: [Finding]) {
      self.paths = paths
      self.connections = connections
      self.findings = findings
    }
  }

  public var hosts: [HostFlow]
  public var pods: Pods?

  public init(hosts: [HostFlow], pods: Pods?) {
    self.hosts = hosts
    self.pods = pods
  }

  /// The exposure findings of both matrices, for the page's card.
  var exposureCount: Int { HostExposure.findings(hosts).count + (pods?.findings.count ?? 0) }

  /// One row of a matrix table: the list line's three parts, and the findings that name it.
  struct Row {
    var source: String
    var destination: String
    var connections: String
    var findings: [Finding]
  }

  func render() -> String {
    let hostFindings = HostExposure.findings(hosts)
    let byLine = Dictionary(grouping: hostFindings) { $0.logicalName ?? "" }
    let hostRows = hosts.map {
      Row(source: $0.source.description, destination: HostFlow.Peer.host($0.destination).description,
        connections: $0.ports.description, findings: byLine[$0.line] ?? [])
    }
    var out = """
      <h2 id="network">Network</h2>
      <h3>Hosts: what Bulwark's firewall allows</h3>
      <p class="d">From the rules each host's nftables table is rendered from (<code>bulwark netpol hosts</code>); \
      \(hosts.count) lines, \(hostFindings.count) exposure findings. A host's traffic to itself is not shown.</p>
      \(table("hosts", hostRows))
      """
    if let pods {
      let rows = pods.connections.map { c in
        Row(source: c.source.description, destination: c.destination.description, connections: c.connections.description,
          findings: Self.podFindings(pods.findings, source: c.source.description, destination: c.destination.description))
      }
      out += """
        <h3>Pods: what the NetworkPolicies allow</h3>
        <p class="d">From \(pods.paths.map { "<code>\(e($0))</code>" }.joined(separator: ", ")) (<code>bulwark netpol list</code>); \
        \(rows.count) lines, \(pods.findings.count) exposure findings.</p>
        \(table("pods", rows))
        \(findingsTable(pods.findings))
        """
    }
    return out + "<script>\(Self.filterScript)</script>"
  }

  /// The findings that make a pod line an exposure: the destination's ingress ones, the source's
  /// egress one.
  static func podFindings(_ findings: [Finding], source: String, destination: String) -> [Finding] {
    findings.filter { f in
      switch f.ruleID {
      case "netpol-ingress-not-isolated", "netpol-reachable-from-internet", "netpol-reachable-from-cluster":
        return f.logicalName == destination
      case "netpol-egress-not-isolated":
        return f.logicalName == source
      default:
        return false
      }
    }
  }

  func table(_ id: String, _ rows: [Row]) -> String {
    var body = ""
    for r in rows {
      let level = r.findings.map(\.level).max()
      let cls = level.map { " class=\"x \($0.rawValue)\"" } ?? ""
      let why = r.findings.map { "\(e($0.level.rawValue)): \(e($0.message)) <span class=\"d\">[\(e($0.ruleID))]</span>" }
        .joined(separator: "<br>")
      body += "<tr\(cls)><td>\(e(r.source))</td><td>\(e(r.destination))</td><td>\(e(r.connections))</td><td>\(why)</td></tr>\n"
    }
    return """
      <div class="nf"><input type="checkbox" id="\(id)-x"><label for="\(id)-x">only exposure findings</label> \
      <input type="search" class="q" data-table="\(id)-t" placeholder="filter rows" aria-label="filter the \(id) rows">
      <table id="\(id)-t" class="m"><tr><th>src</th><th>dst</th><th>conn</th><th>exposure</th></tr>
      \(body)</table></div>
      """
  }

  func findingsTable(_ findings: [Finding]) -> String {
    guard !findings.isEmpty else { return "<p>No exposure findings in the manifests.</p>" }
    let rows = findings.map { f in
      let place = f.position.map { "\($0.file):\($0.line):\($0.column)" } ?? f.logicalName ?? "-"
      return "<tr class=\"x \(f.level.rawValue)\"><td>\(e(f.level.rawValue))</td><td><code>\(e(place))</code></td><td>\(e(f.message))</td><td>\(e(f.ruleID))</td></tr>\n"
    }.joined()
    return "<h3>Exposure findings in the manifests</h3><table><tr><th>level</th><th>where</th><th>what</th><th>rule</th></tr>\n\(rows)</table>"
  }

  static let css = """
    .nf{margin:6px 0 14px}.nf .q{margin-left:12px;padding:3px 6px;min-width:260px}
    .nf input[type=checkbox]:checked~table tr:not(.x):not(:first-child){display:none}
    tr.x.error td{background:#fdeaea}tr.x.warning td{background:#fff6e0}
    tr.x.error td:first-child{border-left:4px solid #d64545}tr.x.warning td:first-child{border-left:4px solid #c08a00}
    """

  /// The filter boxes: hide the rows of a table whose text does not hold the box's (case-insensitive).
  static let filterScript = """
    document.querySelectorAll("input.q").forEach(function (box) {
      box.addEventListener("input", function () {
        var q = box.value.toLowerCase(), rows = document.getElementById(box.dataset.table).rows;
        for (var i = 1; i < rows.length; i++) rows[i].hidden = q !== "" && rows[i].textContent.toLowerCase().indexOf(q) < 0;
      });
    });
    """
}
