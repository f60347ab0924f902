import Findings
import Foundation

/// Audit results as text (a table per host, with a score), JSON, JUnit XML or SARIF (the last two
/// written by the Findings module). Pure.
public enum AuditReport {
  /// The catalogue as a Markdown table: docs/hardening.md carries this exact text.
  public static func catalogue(_ checks: [Check] = Catalogue.all) -> String {
    var out = "| ID | CIS | check | hosts | audit (fact) | expected | remedy |\n|---|---|---|---|---|---|---|\n"
    for c in checks {
      let hosts: String
      switch c.roles {
      case .all: hosts = "all"
      case .etcd: hosts = "etcd"
      case .kubernetesNode: hosts = "Kubernetes nodes"
      case .notKubernetesNode: hosts = "not Kubernetes nodes"
      }
      let sshd = c.sinceOpenSSH.map { " with OpenSSH \($0) or later" } ?? ""
      let remedy: String
      switch c.remedy {
      case .sshd(let d, _): remedy = "sshd drop-in `\(d)`"
      case .sysctl: remedy = "sysctl file"
      case .fileMode: remedy = "chmod/chown"
      case .moduli: remedy = "filter /etc/ssh/moduli"
      case .firewall: remedy = "nftables table"
      case .etcdUnit: remedy = "etcd unit"
      case .unitMasked: remedy = "systemctl mask"
      }
      let expected = c.expect.text.replacingOccurrences(of: "|", with: "\\|")
      out += "| \(c.id) | \(c.cis ?? "") | \(c.title.replacingOccurrences(of: "|", with: "\\|")) | \(hosts)\(sshd) | `\(c.fact)` | \(expected) | \(remedy) |\n"
    }
    return out
  }

  public static func text(_ audits: [HostAudit]) -> String {
    var out = ""
    for a in audits {
      if let error = a.error {
        out += "\(a.host): could not be audited: \(error)\n\n"
        continue
      }
      out += "\(a.host): \(a.passed) passed, \(a.failed) failed, \(a.waived) waived, \(a.notSettable) not settable; score \(percent(a.score))\n"
      for r in a.results {
        let id = r.check.cis.map { "\(r.check.id) (\($0))" } ?? r.check.id
        var line = "  \(r.status.word.padding(toLength: 12, withPad: " ", startingAt: 0)) \(id.padding(toLength: 19, withPad: " ", startingAt: 0)) \(r.check.title)"
        switch r.status {
        case .fail(let actual): line += ": is \(actual), wants \(r.check.expect.text)"
        case .waived(let reason): line += ": waived: \(reason)"
        case .notSettable(let actual): line += ": is \(actual); not settable on this host (shared kernel)"
        case .pass: break
        }
        out += line + "\n"
      }
      out += "\n"
    }
    let passed = audits.reduce(0) { $0 + $1.passed }, failed = audits.reduce(0) { $0 + $1.failed }
    let waived = audits.reduce(0) { $0 + $1.waived }, unsettable = audits.reduce(0) { $0 + $1.notSettable }
    let score = passed + failed == 0 ? 1 : Double(passed) / Double(passed + failed)
    let unaudited = audits.filter { $0.error != nil }.map(\.host)
    out += "Audit: \(passed) passed, \(failed) failed, \(waived) waived, \(unsettable) not settable on \(audits.count) hosts; score \(percent(score))"
      + (unaudited.isEmpty ? "" : "; \(unaudited.count) of \(audits.count) hosts could not be audited (\(unaudited.joined(separator: ", ")))") + ".\n"
    return out
  }

  static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }

  public static func json(_ audits: [HostAudit]) throws -> String {
    struct Row: Encodable {
      var id: String, cis: String?, title: String, status: String, actual: String?, expected: String, reason: String?
    }
    struct Host: Encodable { var host: String, error: String?, score: Double, results: [Row] }
    let hosts = audits.map { a in
      Host(host: a.host, error: a.error, score: a.score, results: a.results.map { r in
        var row = Row(id: r.check.id, cis: r.check.cis, title: r.check.title, status: "pass", actual: nil,
          expected: r.check.expect.text, reason: nil)
        switch r.status {
        case .pass: break
        case .fail(let actual): row.status = "fail"; row.actual = actual
        case .waived(let reason): row.status = "waived"; row.reason = reason
        case .notSettable(let actual): row.status = "not-settable"; row.actual = actual
        }
        return row
      })
    }
    struct Report: Encodable { var formatVersion = 1, hosts: [Host] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(Report(hosts: hosts)), as: UTF8.self) + "\n"
  }

  /// JUnit XML through `FindingFormats.junit`: one test suite per host, one test case per check,
  /// named by its ID; failures are `<failure>`, waived and not-settable checks are `<skipped>` with
  /// the reason. A host that could not be audited has one failing test case, `probe`.
  /// `extra` findings (advisories on what the hosts run) join their host's suite.
  public static func junit(_ audits: [HostAudit], extra: [Finding] = []) -> String {
    var findings: [Finding] = extra, passed: [String: [String]] = [:]
    for a in audits {
      if let error = a.error {
        findings.append(Finding(ruleID: "probe", level: .error, message: "could not be audited: \(error)",
          logicalName: a.host, logicalKind: "host"))
      }
      passed[a.host] = a.results.filter { $0.status == .pass }.map(\.check.id)
      findings += a.results.compactMap { $0.finding(on: a.host) }
    }
    return FindingFormats.junit(suite: "bulwark audit", findings: findings, passed: passed) { $0.logicalName ?? "" }
  }

  /// SARIF 2.1.0 through `FindingFormats.sarif`: one rule per check ID (with its CIS ID as a
  /// property), one result per failed or waived check (waived ones are suppressed with the waiver's
  /// reason), located at the host. Passed and not-settable checks have no result.
  /// `extra` findings and their rules (advisories on what the hosts run) are added as they are.
  public static func sarif(_ audits: [HostAudit], extra: [Finding] = [], extraRules: [FindingRule] = []) -> String {
    var rules: [FindingRule] = extraRules, seen = Set(extraRules.map(\.id)), findings: [Finding] = extra
    for a in audits {
      for r in a.results {
        if seen.insert(r.check.id).inserted {
          rules.append(FindingRule(id: r.check.id, title: r.check.title, properties: r.check.cis.map { ["cis": $0] } ?? [:]))
        }
        if case .notSettable = r.status { continue }
        if let f = r.finding(on: a.host) { findings.append(f) }
      }
    }
    return FindingFormats.sarif(findings, rules: rules)
  }
}

extension AuditResult {
  /// This result as a finding located at `host`, or nil for a pass. A failure is an error; a waived
  /// check is an error suppressed with the waiver's reason; a not-settable one is a note suppressed
  /// because the host's kernel is shared.
  func finding(on host: String) -> Finding? {
    let title = "\(host): \(check.title)"
    switch status {
    case .pass: return nil
    case .fail(let actual):
      return Finding(ruleID: check.id, level: .error, message: "\(title): is \(actual), wants \(check.expect.text)",
        logicalName: host, logicalKind: "host")
    case .waived(let reason):
      return Finding(ruleID: check.id, level: .error, message: title, logicalName: host, logicalKind: "host",
        suppressedBecause: reason)
    case .notSettable(let actual):
      return Finding(ruleID: check.id, level: .note, message: "\(title): is \(actual)", logicalName: host, logicalKind: "host",
        suppressedBecause: "not settable on this host (shared kernel)")
    }
  }
}
