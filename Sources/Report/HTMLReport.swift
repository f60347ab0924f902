import Findings
import Drift
import Foundation
import Hardening
import Inventory
import Planning

/// One self-contained HTML page about a cluster: the topology drawn as an SVG picture (sites, hosts,
/// roles, etcd members, the API endpoints), the last plan, the audit, the drift status and the
/// network matrices (`NetworkSection`). No external files: it opens anywhere and prints. The one
/// script is the network tables' filter box; without it every row shows.
public struct HTMLReport {
  public struct LastRun: Sendable {
    public var id: Int64
    public var playbook: String
    public var started: String
    public var result: String
    public init(id: Int64, playbook: String, started: String, result: String) {
      self.id = id
      self.playbook = playbook
      self.started = started
      self.result = result
    }
  }

  public var inventory: Inventory
  public var plan: Plan?
  public var planMadeAt: String?
  public var audits: [HostAudit]
  public var drift: [HostDrift]
  public var lastRun: LastRun?
  public var network: NetworkSection?
  public var generatedAt: String

  public init(
    inventory: Inventory, plan: Plan?, planMadeAt: String?, audits: [HostAudit], drift: [HostDrift], lastRun: LastRun?,
    network: NetworkSection? = nil, generatedAt: String
  ) {
    self.inventory = inventory
    self.plan = plan
    self.planMadeAt = planMadeAt
    self.audits = audits
    self.drift = drift
    self.lastRun = lastRun
    self.network = network
    self.generatedAt = generatedAt
  }

  public func render() -> String {
    let inv = inventory
    let failing = audits.reduce(0) { $0 + $1.failed }
    let drifting = drift.filter { !$0.findings.isEmpty }.count
    let unreachable = Set(audits.compactMap { $0.error == nil ? nil : $0.host } + drift.compactMap { $0.error == nil ? nil : $0.host })
    var body = """
      <h1>Cluster \(e(inv.name))</h1>
      <p class="meta">Report made \(e(generatedAt)) · Kubernetes \(e(inv.versions.kubernetes?.description ?? "-")) · etcd \(e(inv.versions.etcd.description)) · \(inv.hosts.count) hosts in \(max(inv.sites.count, 1)) sites</p>
      <div class="cards">
        \(card("Hosts", "\(inv.hosts.count - unreachable.count) of \(inv.hosts.count) answered", unreachable.isEmpty))
        \(card("Audit", failing == 0 ? "all checks pass" : "\(failing) failing checks", failing == 0))
        \(card("Drift", drifting == 0 ? "no drift" : "drift on \(drifting) hosts", drifting == 0))
        \(network.map { n in let x = n.exposureCount; return card("Network", x == 0 ? "no exposure findings" : "\(x) exposure findings", x == 0) } ?? "")
        \(card("Last plan", plan.map { $0.hasChanges ? "\(changeCount($0)) changes pending" : "nothing to change" } ?? "none yet", plan.map { !$0.hasChanges } ?? true))
      </div>
      <h2>Topology</h2>
      \(TopologyPicture(inv).svg())
      """
    body += planSection()
    body += auditSection()
    body += driftSection()
    if let network { body += network.render() }
    if let r = lastRun {
      body += "<h2>Last run</h2><p>Run #\(r.id), playbook <code>\(e(r.playbook))</code>, started \(e(r.started)): <b>\(e(r.result))</b></p>"
    }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>Bulwark report: \(e(inv.name))</title>
      <style>\(Self.css)\(network == nil ? "" : NetworkSection.css)</style></head>
      <body>\(body)</body></html>

      """
  }

  func changeCount(_ p: Plan) -> Int { p.steps.filter { $0.action != .noop && $0.action != .check }.count }

  func card(_ title: String, _ text: String, _ good: Bool) -> String {
    "<div class=\"card \(good ? "good" : "bad")\"><div class=\"t\">\(e(title))</div><div class=\"v\">\(e(text))</div></div>"
  }

  func planSection() -> String {
    guard let plan else { return "<h2>Last plan</h2><p>No plan has been made for this cluster yet.</p>" }
    let c = plan.counts
    var rows = ""
    for s in plan.steps where s.action != .noop && s.operation != .barrier {
      var detail = e(s.summary)
      if let o = s.observed, let d = o.detail, o.state != .unchanged { detail += "<br><span class=\"d\">\(e(d))</span>" }
      if let diff = s.observed?.diff { detail += "<pre>\(e(diff))</pre>" }
      rows += "<tr><td class=\"sym \(s.action.rawValue)\">\(e(s.action.symbol))</td><td><code>\(e(s.id))</code></td><td>\(e(s.host))</td><td>\(detail)</td></tr>\n"
    }
    return """
      <h2>Last plan</h2>
      <p>Playbook <code>\(e(plan.playbook))</code>\(planMadeAt.map { ", made \(e($0))" } ?? "")\(plan.factsFingerprint.map { ", facts \(e(String($0.prefix(12))))" } ?? ""): \
      \(c.create) to add, \(c.update) to change, \(c.delete) to remove, \(c.run) to run, \(c.check) checks\(plan.isObserved ? ", \(c.noop) unchanged" : "").</p>
      \(rows.isEmpty ? "<p>Nothing to change.</p>" : "<table><tr><th></th><th>step</th><th>host</th><th>what</th></tr>\(rows)</table>")
      """
  }

  func auditSection() -> String {
    var rows = ""
    for a in audits {
      let cls = a.error != nil ? "bad" : (a.failed > 0 ? "bad" : "good")
      let score = a.error == nil ? "\(Int((a.score * 100).rounded()))%" : "-"
      var failing = a.results.compactMap { r -> String? in
        guard case .fail(let actual) = r.status else { return nil }
        return "\(r.check.id) \(r.check.title): is \(actual)"
      }
      if let err = a.error { failing = ["could not be audited: \(err)"] }
      rows += "<tr class=\"\(cls)\"><td>\(e(a.host))</td><td>\(a.passed)</td><td>\(a.failed)</td><td>\(a.waived)</td><td>\(a.notSettable)</td><td>\(score)</td><td>\(failing.map(e).joined(separator: "<br>"))</td></tr>\n"
    }
    return """
      <h2>Audit</h2>
      <table><tr><th>host</th><th>pass</th><th>fail</th><th>waived</th><th>not settable</th><th>score</th><th>failing</th></tr>\(rows)</table>
      """
  }

  func driftSection() -> String {
    var rows = ""
    for d in drift {
      if let err = d.error {
        rows += "<tr class=\"bad\"><td>\(e(d.host))</td><td>could not be checked: \(e(err))</td></tr>\n"
      } else if d.findings.isEmpty {
        rows += "<tr class=\"good\"><td>\(e(d.host))</td><td>no drift (\(d.compared) items compared)</td></tr>\n"
      } else {
        let items = d.findings.map { f in "<code>\(e(f.item))</code> \(e(f.detail))" + (f.diff.map { "<pre>\(e($0))</pre>" } ?? "") }
        rows += "<tr class=\"bad\"><td>\(e(d.host))</td><td>\(items.joined(separator: "<br>"))</td></tr>\n"
      }
    }
    return "<h2>Drift</h2><table><tr><th>host</th><th>status</th></tr>\(rows)</table>"
  }

  static let css = """
    body{font-family:system-ui,sans-serif;margin:24px;color:#1d2433;background:#fff}
    h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
    .meta{color:#5a6478}.cards{display:flex;gap:12px;flex-wrap:wrap}
    .card{border-radius:8px;padding:10px 14px;min-width:180px;border:1px solid #d8dde6}
    .card.good{background:#e8f6ec}.card.bad{background:#fdeaea}.card .t{font-size:12px;color:#5a6478}.card .v{font-size:18px;font-weight:600}
    table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eef0f4;padding:4px 6px;text-align:left;vertical-align:top}
    tr.bad td:first-child{border-left:4px solid #d64545}tr.good td:first-child{border-left:4px solid #2f9e55}
    .sym{font-weight:700;font-family:monospace}.sym.create{color:#2f9e55}.sym.update{color:#c08a00}.sym.delete{color:#d64545}
    pre{background:#f6f8fa;padding:6px;overflow:auto;font-size:12px}.d{color:#5a6478}code{font-size:12px}
    """
}

/// Escapes text for HTML (the one escaper, Findings' `XML.escape`).
func e(_ s: String) -> String { XML.escape(s) }

/// The cluster as a picture: one column per site with its hosts (roles as coloured tags, etcd
/// members ringed), and the API endpoints above, with a line to each host that serves them.
struct TopologyPicture {
  let inv: Inventory
  init(_ inv: Inventory) { self.inv = inv }

  static let roleColor: [Role: String] = [.etcd: "#7b4bd6", .controlPlane: "#1f6feb", .worker: "#2f9e55", .lb: "#c08a00"]

  func svg() -> String {
    let siteNames = inv.sites.isEmpty ? [""] : inv.sites.map(\.name)
    let columns = siteNames.map { name in inv.hosts.filter { ($0.site ?? "") == name || (inv.sites.isEmpty) } }
    let endpoints = [inv.endpoint].compactMap { $0 } + inv.siteEndpoints
    let colW = 220, hostH = 58, top = endpoints.isEmpty ? 10 : 130, gap = 20
    let width = max(columns.count * (colW + gap) + gap, 480)
    let rows = columns.map(\.count).max() ?? 0
    let height = top + 50 + rows * (hostH + 10) + 20
    var sites = "", boxes = "", lines = "", tops = ""
    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"system-ui,sans-serif\" font-size=\"12\">"
    var position: [String: (x: Int, y: Int)] = [:]
    for (ci, hosts) in columns.enumerated() {
      let x = gap + ci * (colW + gap)
      let site = inv.sites.indices.contains(ci) ? inv.sites[ci] : nil
      sites += "<rect x=\"\(x)\" y=\"\(top)\" width=\"\(colW)\" height=\"\(height - top - 10)\" rx=\"10\" fill=\"#f4f6fa\" stroke=\"#c9d1de\"/>"
      sites += "<text x=\"\(x + 10)\" y=\"\(top + 20)\" font-weight=\"700\">\(e(site?.name ?? "hosts"))</text>"
      if let site {
        sites += "<text x=\"\(x + 10)\" y=\"\(top + 36)\" fill=\"#5a6478\">\(e(site.kind.rawValue))\(site.cidr.map { " · \($0)" } ?? "")</text>"
      }
      for (hi, h) in hosts.enumerated() {
        let y = top + 50 + hi * (hostH + 10)
        position[h.name] = (x + colW / 2, y)
        let member = inv.etcdMembers.contains { $0.name == h.name }
        boxes += "<rect x=\"\(x + 10)\" y=\"\(y)\" width=\"\(colW - 20)\" height=\"\(hostH)\" rx=\"6\" fill=\"#fff\" stroke=\"\(member ? "#7b4bd6" : "#9aa5b8")\" stroke-width=\"\(member ? 2.5 : 1)\"/>"
        boxes += "<text x=\"\(x + 18)\" y=\"\(y + 18)\" font-weight=\"600\">\(e(h.name))</text>"
        boxes += "<text x=\"\(x + 18)\" y=\"\(y + 33)\" fill=\"#5a6478\">\(e(h.address.description))\(member ? " · etcd member" : "")</text>"
        var tx = x + 18
        for r in h.roles {
          let w = r.rawValue.count * 7 + 10
          boxes += "<rect x=\"\(tx)\" y=\"\(y + 40)\" width=\"\(w)\" height=\"14\" rx=\"7\" fill=\"\(Self.roleColor[r] ?? "#888")\"/>"
          boxes += "<text x=\"\(tx + 5)\" y=\"\(y + 51)\" fill=\"#fff\" font-size=\"10\">\(e(r.rawValue))</text>"
          tx += w + 4
        }
      }
    }
    // Endpoints across the top, joined to the hosts that carry or serve them.
    for (i, ep) in endpoints.enumerated() {
      let w = 300, x = gap + i * (w + gap), y = 20
      let label = "\(ep.mode.rawValue) \(ep.address?.description ?? "127.0.0.1"):\(ep.port)"
      tops += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"44\" rx=\"8\" fill=\"#eef4ff\" stroke=\"#1f6feb\"/>"
      tops += "<text x=\"\(x + 10)\" y=\"\(y + 18)\" font-weight=\"700\">API endpoint\(ep.sites.isEmpty ? "" : " for \(e(ep.sites.joined(separator: ", ")))")</text>"
      tops += "<text x=\"\(x + 10)\" y=\"\(y + 34)\">\(e(label))</text>"
      let served: [ClusterHost]
      switch ep.mode {
      case .vip: served = inv.vipCarriers(of: ep)
      case .loadBalancer, .localProxy: served = inv.hosts(with: .controlPlane)
      }
      for h in served {
        guard let p = position[h.name] else { continue }
        lines += "<line x1=\"\(x + w / 2)\" y1=\"\(y + 44)\" x2=\"\(p.x)\" y2=\"\(p.y)\" stroke=\"#1f6feb\" stroke-opacity=\"0.45\" stroke-dasharray=\"\(ep.mode == .vip ? "0" : "4 3")\"/>"
      }
    }
    return s + sites + lines + boxes + tops + "</svg>"
  }
}
