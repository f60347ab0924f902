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
      One round trip per host gathers every fact. Waivers come from spec.hardening.waivers; an expired \
      waiver no longer applies. Exits 0 when nothing fails, 2 when a check fails, 1 when a host could \
      not be audited, 3 on invalid input. The harden playbook (run by apply) fixes what fails here.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif }

  @OptionGroup var options: FleetOptions

  @Option(name: [.short, .customLong("output")], help: "text, json, junit or sarif.")
  var output: Format = .text

  func run() async throws {
    let (inv, hosts, fleet) = try options.fleet()
    let auditor = Auditor(waivers: inv.hardening.waivers, today: UTCDate.day())
    for w in auditor.expiredWaivers {
      Console.err("warning: the waiver for \(w.id) expired on \(w.expires ?? "?"); the check counts again\n")
    }
    let audits = await ClusterChecks.audit(inv, hosts: hosts, fleet: fleet, auditor: auditor)
    switch output {
    case .text: Console.out(AuditReport.text(audits))
    case .json: Console.out(try AuditReport.json(audits))
    case .junit: Console.out(AuditReport.junit(audits))
    case .sarif: Console.out(try AuditReport.sarif(audits))
    }
    if audits.contains(where: { $0.error != nil }) { throw BulwarkExit.failure }
    if audits.contains(where: { $0.failed > 0 }) { throw BulwarkExit.changesPending }
  }
}

/// `bulwark checks`: the hardening catalogue, as docs/hardening.md shows it.
struct ChecksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checks", abstract: "Print the hardening catalogue (every check, its CIS ID, audit and remedy) as Markdown.")
  func run() throws { Console.out(AuditReport.catalogue()) }
}
