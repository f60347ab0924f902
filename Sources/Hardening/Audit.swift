import Inventory

/// The outcome of one check on one host.
public enum CheckStatus: Sendable, Equatable {
  case pass
  case fail(actual: String)
  /// A waiver in the inventory covers it: never dropped, always shown.
  case waived(reason: String)
  /// A kernel parameter this host cannot set (a container on a shared kernel).
  case notSettable(actual: String)

  public var word: String {
    switch self {
    case .pass: "pass"
    case .fail: "FAIL"
    case .waived: "waived"
    case .notSettable: "not settable"
    }
  }
}

public struct AuditResult: Sendable {
  public var check: Check
  public var status: CheckStatus
}

public struct HostAudit: Sendable {
  public var host: String
  public var results: [AuditResult]
  /// Set when the host could not be probed at all.
  public var error: String?

  public init(host: String, results: [AuditResult], error: String? = nil) {
    self.host = host
    self.results = results
    self.error = error
  }

  public var passed: Int { results.filter { $0.status == .pass }.count }
  public var failed: Int { results.filter { if case .fail = $0.status { true } else { false } }.count }
  public var waived: Int { results.filter { if case .waived = $0.status { true } else { false } }.count }
  public var notSettable: Int { results.filter { if case .notSettable = $0.status { true } else { false } }.count }
  /// Passed out of what could pass here (waived and not-settable checks count for neither side).
  public var score: Double { passed + failed == 0 ? 1 : Double(passed) / Double(passed + failed) }
}

/// Evaluates the catalogue against a host's facts. Pure.
public struct Auditor: Sendable {
  public var checks: [Check]
  public var waivers: [Waiver]
  /// `YYYY-MM-DD`; a waiver past its expiry no longer applies.
  public var today: String

  public init(checks: [Check] = Catalogue.all, waivers: [Waiver], today: String) {
    self.checks = checks
    self.waivers = waivers
    self.today = today
  }

  public func checks(for host: ClusterHost) -> [Check] { checks.filter { $0.roles.covers(host) } }

  /// The waiver that covers a check (by Bulwark ID or CIS ID), if it has not expired.
  public func waiver(for check: Check) -> Waiver? {
    waivers.first { w in
      (w.id == check.id || (check.cis != nil && w.id == check.cis)) && (w.expires.map { $0 >= today } ?? true)
    }
  }

  /// The fact FW1 reads: the loaded table's marker, compared against the rendered one.
  static let firewallFact = "nft.bulwark"

  public var expiredWaivers: [Waiver] { waivers.filter { w in w.expires.map { $0 < today } ?? false } }

  /// `firewallMarker`: the comment the host's rendered firewall carries (FW1 compares it).
  public func audit(_ host: ClusterHost, facts: HostFacts, firewallMarker: String) -> HostAudit {
    var results: [AuditResult] = []
    // A keyword this host's sshd does not know is not audited there (PerSourcePenalties before 9.8).
    for check in checks(for: host).applying(toOpenSSH: facts.openSSH) {
      let loaded = check.fact == Self.firewallFact
      let actual = facts.values[check.fact] ?? "absent"
      let passes = loaded ? actual == firewallMarker : check.expect.accepts(actual)
      let configured = loaded ? nil : ConfiguredState.failure(of: check, live: actual, passes: passes, facts: facts)
      let status: CheckStatus
      if passes && configured == nil {
        status = .pass
      } else if let w = waiver(for: check) {
        status = .waived(reason: w.reason)
      } else if check.fact.hasPrefix("sysctl."), facts.readOnly.contains(String(check.fact.dropFirst(7))) {
        status = .notSettable(actual: actual)
      } else {
        let firewall = actual.isEmpty ? "no bulwark table loaded" : actual.hasPrefix("bulwark ") ? "a different rule set is loaded" : actual
        status = .fail(actual: loaded ? firewall : configured ?? actual)
      }
      results.append(AuditResult(check: check, status: status))
    }
    return HostAudit(host: host.name, results: results)
  }
}
