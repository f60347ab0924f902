import Crypto
import Etcd
import Findings
import Foundation
import Hardening
import Inventory
import Planning
import Steps
import Support

/// One difference between the desired state and a live host.
public struct DriftFinding: Sendable, Equatable {
  /// A plan step id, or `etcd/...`, `hardening/ID`.
  public var item: String
  public var summary: String
  public var detail: String
  /// A unified diff for a text file; nil otherwise.
  public var diff: String?
  /// What kind of difference, the same on every host (SARIF's rule id): `step/KIND` for a plan step,
  /// `hardening/ID`, `etcd/version`, `etcd/flag`, `etcd/running`, `etcd/member`. Defaults to `item`.
  public var rule: String
  public init(item: String, summary: String, detail: String, diff: String? = nil, rule: String? = nil) {
    self.item = item
    self.summary = summary
    self.detail = detail
    self.diff = diff
    self.rule = rule ?? item
  }
}

public struct HostDrift: Sendable {
  public var host: String
  public var findings: [DriftFinding]
  /// How many items were compared.
  public var compared: Int
  /// Set when the host could not be probed.
  public var error: String?
  public init(host: String, findings: [DriftFinding], compared: Int, error: String? = nil) {
    self.host = host
    self.findings = findings
    self.compared = compared
    self.error = error
  }
}

/// Everything drift compares on one host, probed in one round trip: the plan's steps (files with
/// content, mode and owner; units; kernel parameters; binaries by hash; the firewall), the
/// hardening catalogue, and for etcd members the running version, flags and membership.
public struct DriftProbe: Sendable {
  public let host: ClusterHost
  let steps: [any ProbedStep]
  let summaries: [String]
  let kinds: [String]
  let hardening: [Check]
  let etcd: EtcdLayout?

  public init(host: ClusterHost, planned: [PlannedStep], inventory: Inventory, auditor: Auditor) {
    self.host = host
    var steps: [any ProbedStep] = [], summaries: [String] = [], kinds: [String] = []
    // Gates and the restart-on-change step are checkpoints of a run, not state: cluster health and
    // running flags are reported once, from the etcd probe, instead of once per gate.
    for p in planned where p.host == host.name && !Self.checkpointKinds.contains(p.kind) {
      if case .wait = p.operation { continue }
      if let s = StepFactory.make(p) as? any ProbedStep {
        steps.append(s)
        summaries.append(p.summary)
        kinds.append(p.kind)
      }
    }
    self.steps = steps
    self.summaries = summaries
    self.kinds = kinds
    hardening = auditor.checks(for: host)
    etcd = inventory.etcdMembers.contains { $0.name == host.name } ? EtcdLayout(inventory) : nil
  }

  static let checkpointKinds: Set<String> = ["etcd.health-gate", "etcd.restart"]

  /// The one batch: every step's probe, then the hardening facts, then etcd's.
  var batch: StepObservation.Batch {
    var extra = [HostProbe.script(hardening)]
    if let etcd { extra.append(EtcdProbe.command(etcd).argv[2]) }
    return StepObservation.Batch(host: host.name, steps: steps, extraProbes: extra)
  }

  public var script: String { batch.script }

  public func compare(_ output: String, auditor: Auditor, firewallMarker: String) -> HostDrift {
    let (observed, extra) = batch.read(output)
    let count = observed.count + extra.count
    var findings: [DriftFinding] = []
    for (i, (observation, _)) in observed.enumerated() where observation.state != .unchanged {
      findings.append(DriftFinding(item: steps[i].id, summary: summaries[i], detail: observation.detail ?? "differs",
        diff: observation.diff, rule: "step/" + kinds[i]))
    }
    let outputs = Array(repeating: ProbeOutput?.none, count: steps.count) + extra
    // Hardening: each failing check. With etcd stopped, its flag checks say nothing new.
    if let out = outputs[steps.count] {
      let facts = HostProbe.parse(out.text)
      let etcdStopped = etcd != nil && (outputs[steps.count + 1].map { !EtcdProbe.parse($0.text).isRunning } ?? false)
      for r in auditor.audit(host, facts: facts, firewallMarker: firewallMarker).results {
        guard case .fail(let actual) = r.status else { continue }
        if etcdStopped && r.check.fact.hasPrefix("etcd.") { continue }
        findings.append(DriftFinding(item: "hardening/\(r.check.id)", summary: r.check.title,
          detail: "is \(actual), wants \(r.check.expect.text)", diff: nil, rule: "hardening/\(r.check.id)"))
      }
      if let etcd, let etcdOut = outputs[steps.count + 1] {
        findings += Self.etcdDrift(host, layout: etcd, facts: EtcdProbe.parse(etcdOut.text), flags: facts.values)
      }
    }
    return HostDrift(host: host.name, findings: findings, compared: count - 1 + hardening.count)
  }

  /// Version, flags of the running process against its unit, and membership against the inventory
  /// (member-list entries refused for their values included).
  static func etcdDrift(_ host: ClusterHost, layout: EtcdLayout, facts: EtcdHostFacts, flags: [String: String]) -> [DriftFinding] {
    var out: [DriftFinding] = []
    guard facts.isRunning, let version = facts.runningVersion else {
      return [DriftFinding(item: "etcd/\(host.name)/running", summary: "etcd runs", detail: "etcd is \(facts.activeState)", diff: nil,
        rule: "etcd/running")]
    }
    if version != layout.version {
      out.append(DriftFinding(item: "etcd/\(host.name)/version", summary: "etcd version",
        detail: "runs \(version), the inventory says \(layout.version)", diff: nil, rule: "etcd/version"))
    }
    for flag in EtcdUnit.flags(for: host, in: layout) {
      guard flag.hasPrefix("--"), let eq = flag.firstIndex(of: "=") else { continue }
      let name = String(flag[flag.index(flag.startIndex, offsetBy: 2)..<eq]), want = String(flag[flag.index(after: eq)...])
      let have = flags["etcd.\(name)"]
      if have != want {
        out.append(DriftFinding(item: "etcd/\(host.name)/flag/\(name)", summary: "running etcd flag --\(name)",
          detail: "is \(have ?? "unset"), the unit says \(want) (restart etcd to apply its unit)", diff: nil, rule: "etcd/flag"))
      }
    }
    let wanted = layout.members.map(\.name), live = facts.members.map(\.name)
    for name in wanted where !live.contains(name) {
      out.append(DriftFinding(item: "etcd/members/\(name)", summary: "etcd member \(name)",
        detail: "in the inventory, not in the cluster (as \(host.name) sees it)", diff: nil, rule: "etcd/member"))
    }
    for name in live where !wanted.contains(name) {
      out.append(DriftFinding(item: "etcd/members/\(name.isEmpty ? "(unstarted)" : name)", summary: "etcd member \(name)",
        detail: "in the cluster, not in the inventory", diff: nil, rule: "etcd/member"))
    }
    // Entries whose values failed their checks are not members Bulwark can compare, but they are in
    // the cluster: say so rather than leave them out.
    for (i, refusal) in facts.refusedMembers.enumerated() {
      out.append(DriftFinding(item: "etcd/members/refused-\(i + 1)", summary: "an etcd member entry Bulwark refused",
        detail: "\(refusal.message) [\(refusal.code)] (in the member list as \(host.name) sees it)", diff: nil, rule: "etcd/member"))
    }
    return out
  }
}

/// Drift as text (per host, with diffs), JSON, JUnit or SARIF.
public enum DriftReport {
  public static func text(_ hosts: [HostDrift]) -> String {
    var out = ""
    for h in hosts {
      if let e = h.error { out += "\(h.host): could not be checked: \(e)\n\n"; continue }
      if h.findings.isEmpty { out += "\(h.host): no drift (\(h.compared) items compared)\n"; continue }
      out += "\(h.host): \(h.findings.count) drifted of \(h.compared) compared\n"
      for f in h.findings {
        out += "  ~ \(f.item): \(f.detail)\n"
        if let diff = f.diff, !diff.isEmpty {
          out += diff.split(separator: "\n").map { "      " + $0 + "\n" }.joined()
        }
      }
    }
    let drifted = hosts.reduce(0) { $0 + $1.findings.count }
    out += "\nDrift: \(drifted) item\(drifted == 1 ? "" : "s") on \(hosts.filter { !$0.findings.isEmpty }.count) of \(hosts.count) hosts"
      + (hosts.contains { $0.error != nil } ? ", \(hosts.filter { $0.error != nil }.count) not checked" : "") + ".\n"
    return out
  }

  public static func json(_ hosts: [HostDrift]) throws -> String {
    struct Item: Encodable { var item: String, summary: String, detail: String, diff: String? }
    struct Host: Encodable { var host: String, error: String?, compared: Int, drift: [Item] }
    struct Report: Encodable { var formatVersion = 1, hosts: [Host] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let report = Report(hosts: hosts.map { h in
      Host(host: h.host, error: h.error, compared: h.compared, drift: h.findings.map { Item(item: $0.item, summary: $0.summary, detail: $0.detail, diff: $0.diff) })
    })
    return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
  }

  /// SARIF 2.1.0 through `FindingFormats.sarif`: one result per drifted item, an error located at its
  /// host (logical location, kind `host`), its message `item: detail`; the rule is the kind of
  /// difference (`DriftFinding.rule`), titled by the first item's summary. A host that could not be
  /// checked is an error of rule `drift/unchecked`. Diffs are in the text, JSON and JUnit forms.
  public static func sarif(_ hosts: [HostDrift]) -> String {
    var findings: [Finding] = [], rules: [FindingRule] = [], seen: Set<String> = []
    for h in hosts {
      if let e = h.error {
        if seen.insert(uncheckedRule).inserted { rules.append(FindingRule(id: uncheckedRule, title: "the host could not be checked for drift")) }
        findings.append(Finding(ruleID: uncheckedRule, level: .error, message: "\(h.host): could not be checked: \(e)",
          logicalName: h.host, logicalKind: "host"))
      }
      for f in h.findings {
        if seen.insert(f.rule).inserted { rules.append(FindingRule(id: f.rule, title: f.summary)) }
        findings.append(Finding(ruleID: f.rule, level: .error, message: "\(f.item): \(f.detail)", logicalName: h.host, logicalKind: "host"))
      }
    }
    return FindingFormats.sarif(findings, rules: rules)
  }

  public static let uncheckedRule = "drift/unchecked"

  /// One test suite per host; each drifted item is a failing test case whose body is its diff
  /// (which `FindingFormats.junit` has no place for, so drift keeps its own writer); a host that
  /// could not be checked is an `<error>`. Text goes through the one escaper, `XML.escape`.
  public static func junit(_ hosts: [HostDrift]) -> String {
    let xml = XML.escape
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bulwark drift\">\n"
    for h in hosts {
      out += "  <testsuite name=\"\(xml(h.host))\" tests=\"\(max(h.compared, 1))\" failures=\"\(h.findings.count)\" errors=\"\(h.error == nil ? 0 : 1)\">\n"
      if let e = h.error { out += "    <error message=\"\(xml(e))\"/>\n" }
      if h.findings.isEmpty && h.error == nil { out += "    <testcase classname=\"\(xml(h.host))\" name=\"no drift\"/>\n" }
      for f in h.findings {
        out += "    <testcase classname=\"\(xml(h.host))\" name=\"\(xml(f.item))\">\n      <failure message=\"\(xml(f.detail))\">\(xml(f.diff ?? ""))</failure>\n    </testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }
}
