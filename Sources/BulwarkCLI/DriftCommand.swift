import ArgumentParser
import Drift
import Foundation
import Hardening
import Orchestration
import Support

/// `bulwark drift`: the desired state (the playbook's plan and the hardening catalogue) against the
/// live hosts. Read-only; one round trip per host.
struct DriftCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drift",
    abstract: "Show exactly what differs between the desired configuration and the live hosts (read-only).",
    discussion: """
      Compares file contents (a unified diff for text, a hash for binaries), modes and owners, unit \
      states, kernel parameters, binaries, the firewall, the hardening catalogue, and for etcd the \
      running version, flags and members. One batched probe per host (after `sshd -V` when the playbook \
      hardens sshd; a host that does not answer that is not asked again). -o sarif|junit for CI. Exits 0 \
      without drift, 2 with drift, 5 when some hosts could not be checked (the others' results are \
      complete), 1 when none could, 3 on invalid input. `bulwark apply` heals what it reports.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif }

  @OptionGroup var options: FleetOptions

  @OptionGroup var playbooks: PlaybookOptions<BootstrapPlaybook>

  @Option(name: [.short, .customLong("output")], help: "text, json, junit or sarif.")
  var output: Format = .text

  func run() async throws {
    let (inv, hosts, fleet) = try options.fleet()
    let access = options.connection.access()
    let book = try playbooks.load(inventoryPath: access.inventoryPath)
    let auditor = Auditor(waivers: inv.hardening.waivers, today: UTCDate.day())
    let drift = try await ClusterChecks.drift(inv, hosts: hosts, fleet: fleet, access: access, playbook: book, auditor: auditor,
      notices: Console.notices)
    switch output {
    case .text: Console.out(DriftReport.text(drift))
    case .json: Console.out(try DriftReport.json(drift))
    case .junit: Console.out(DriftReport.junit(drift))
    case .sarif: Console.out(DriftReport.sarif(drift))
    }
    if let code = BulwarkExit.unchecked(drift.filter { $0.error != nil }.count, of: drift.count) { throw code }
    if drift.contains(where: { !$0.findings.isEmpty }) { throw BulwarkExit.changesPending }
  }
}
