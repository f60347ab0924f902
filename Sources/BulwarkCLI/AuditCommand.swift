import Advisories
import ArgumentParser
import Foundation
import Hardening
import Inventory
import Orchestration
import Support

/// `bulwark audit`: the hardening catalogue against the live hosts, read-only.
struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Check every host against the hardening catalogue (read-only): pass, fail, waived, not settable.",
    discussion: """
      One round trip per host gathers every fact, including the versions the host runs (dpkg-query, \
      the running etcd's --version), which are matched against the advisory data with Debian's \
      version ordering (a backported fix counts as fixed) under spec.security.vulnerabilities. \
      Waivers come from spec.hardening.waivers; an expired waiver no longer applies. Exits 0 when \
      nothing fails, 2 when a check fails or a known vulnerability refuses, 5 when some hosts could \
      not be audited (the others' results are complete), 1 when none could, 3 on invalid input. The harden playbook (run by apply) fixes what fails here.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif }

  @OptionGroup var options: FleetOptions

  @Option(name: [.short, .customLong("output")], help: "text, json, junit or sarif.")
  var output: Format = .text

  @Option(name: .customLong("advisory-data"), help: "Imported advisory data (bulwark advisories import).")
  var advisoryData: String = AdvisoriesCommand.defaultDataPath

  func run() async throws {
    let (inv, hosts, fleet) = try options.fleet()
    let auditor = Auditor(waivers: inv.hardening.waivers, today: UTCDate.day())
    for w in auditor.expiredWaivers {
      Console.err("warning: the waiver for \(w.id) expired on \(w.expires ?? "?"); the check counts again\n")
    }
    let results = await ClusterChecks.auditReadingFacts(inv, hosts: hosts, fleet: fleet, auditor: auditor)
    let audits = results.map(\.audit)
    let data = try SecurityFloor.data(at: advisoryData)
    guard let today = Day(UTCDate.day()) else { throw BulwarkExit.failure }
    let advisories = results.flatMap { r in
      r.facts.map { HostAdvisories.findings(host: r.audit.host, facts: $0, data: data, policy: inv.security.vulnerabilities, today: today) } ?? []
    }
    switch output {
    case .text:
      Console.out(AuditReport.text(audits))
      Console.out("\nKnown vulnerabilities in what the hosts run:\n")
      for r in results {
        guard let facts = r.facts else { continue }
        let read = HostAdvisories.versionsRead(facts)
        Console.out("  \(r.audit.host) runs \(read.isEmpty ? "none of the packages Bulwark matches" : read.joined(separator: ", "))\n")
      }
      for f in advisories { Console.out("  " + f.rendered + "\n") }
      if advisories.isEmpty { Console.out("  no known advisory applies to them\n") }
    case .json: Console.out(try AuditReport.json(audits))
    case .junit: Console.out(AuditReport.junit(audits, extra: advisories))
    case .sarif: Console.out(AuditReport.sarif(audits, extra: advisories, extraRules: SecurityFloor.rules(for: advisories, data: data)))
    }
    if let code = BulwarkExit.unchecked(audits.filter { $0.error != nil }.count, of: audits.count) { throw code }
    if audits.contains(where: { $0.failed > 0 }) || VulnerabilityPolicy.refuses(advisories) { throw BulwarkExit.changesPending }
  }
}

/// `bulwark checks`: the hardening catalogue, as docs/hardening.md shows it.
struct ChecksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checks", abstract: "Print the hardening catalogue (every check, its CIS ID, audit and remedy) as Markdown.")
  func run() throws { Console.out(AuditReport.catalogue()) }
}
