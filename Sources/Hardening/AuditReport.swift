import Foundation

/// Audit results as text (a table per host, with a score), JSON, JUnit XML or SARIF. Pure.
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
      let remedy: String
      switch c.remedy {
      case .sshd(let d, _): remedy = "sshd drop-in `\(d)`"
      case .sysctl: remedy = "sysctl file"
      case .fileMode: remedy = "chmod/chown"
      case .moduli: remedy = "filter /etc/ssh/moduli"
      case .firewall: remedy = "nftables table"
      case .etcdUnit: remedy = "etcd unit"
      }
      let expected = c.expect.text.replacingOccurrences(of: "|", with: "\\|")
      out += "| \(c.id) | \(c.cis ?? "") | \(c.title.replacingOccurrences(of: "|", with: "\\|")) | \(hosts) | `\(c.fact)` | \(expected) | \(remedy) |\n"
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
    out += "Audit: \(passed) passed, \(failed) failed, \(waived) waived, \(unsettable) not settable on \(audits.count) hosts; score \(percent(score)).\n"
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

  /// One test suite per host, one test case per check; failures are `<failure>`, waived and
  /// not-settable checks are `<skipped>` with the reason.
  public static func junit(_ audits: [HostAudit]) -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bulwark audit\">\n"
    for a in audits {
      out += "  <testsuite name=\"\(xml(a.host))\" tests=\"\(a.results.count)\" failures=\"\(a.failed)\" skipped=\"\(a.waived + a.notSettable)\" errors=\"\(a.error == nil ? 0 : 1)\">\n"
      if let error = a.error { out += "    <error message=\"\(xml(error))\"/>\n" }
      for r in a.results {
        out += "    <testcase classname=\"\(xml(a.host))\" name=\"\(xml(r.check.id + " " + r.check.title))\""
        switch r.status {
        case .pass: out += "/>\n"
        case .fail(let actual):
          out += ">\n      <failure message=\"\(xml("is \(actual), wants \(r.check.expect.text)"))\"/>\n    </testcase>\n"
        case .waived(let reason): out += ">\n      <skipped message=\"\(xml("waived: \(reason)"))\"/>\n    </testcase>\n"
        case .notSettable: out += ">\n      <skipped message=\"not settable on this host (shared kernel)\"/>\n    </testcase>\n"
        }
      }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }

  /// SARIF 2.1.0: one rule per check ID, one result per failed or waived check (waived ones are
  /// suppressed with the waiver's reason), located at the host.
  public static func sarif(_ audits: [HostAudit]) throws -> String {
    var rules: [[String: Any]] = [], seen = Set<String>()
    var results: [[String: Any]] = []
    for a in audits {
      for r in a.results {
        if seen.insert(r.check.id).inserted {
          rules.append(["id": r.check.id, "name": r.check.id, "shortDescription": ["text": r.check.title],
            "properties": ["cis": r.check.cis ?? ""]])
        }
        var result: [String: Any] = [
          "ruleId": r.check.id, "level": "error",
          "locations": [["logicalLocations": [["name": a.host, "kind": "host"]]]],
        ]
        switch r.status {
        case .pass, .notSettable: continue
        case .fail(let actual): result["message"] = ["text": "\(a.host): \(r.check.title): is \(actual), wants \(r.check.expect.text)"]
        case .waived(let reason):
          result["message"] = ["text": "\(a.host): \(r.check.title)"]
          result["suppressions"] = [["kind": "external", "justification": reason]]
        }
        results.append(result)
      }
    }
    let doc: [String: Any] = [
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
      "runs": [["tool": ["driver": ["name": "bulwark", "informationUri": "https://example.invalid/bulwark", "rules": rules]],
        "results": results]],
    ]
    let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  static func xml(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
