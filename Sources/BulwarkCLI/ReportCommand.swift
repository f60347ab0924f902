import ArgumentParser
import Foundation
import Hardening
import Inventory
import Journal
import NetworkPolicy
import Orchestration
import Support
import Planning
import Report

/// `bulwark report --html FILE`: one self-contained page with the topology, the last plan, the
/// audit, the drift status and the network matrices (hosts always, pods with `--manifests`).
/// Read-only on the hosts.
struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write one self-contained HTML page: topology, last plan, audit results, drift and the network matrices (read-only).",
    discussion: """
      The last plan is the one `plan` or `apply` made last for this cluster (kept in the state dir); \
      the audit and drift are asked of the hosts now. The network section holds the host matrix the firewall \
      allows (as `netpol hosts` prints it) and, with --manifests, the pod matrix of those manifests (as \
      `netpol list`), exposure findings highlighted. Exits 0 when the page was written, 3 on invalid input.
      """)

  @OptionGroup var options: FleetOptions

  @Option(help: "Where to write the page.")
  var html: String

  @OptionGroup var playbooks: PlaybookOptions<BootstrapPlaybook>

  @Option(help: "Kubernetes manifests (file or directory, repeatable) whose pod matrix and exposure findings the network section shows.")
  var manifests: [String] = []

  func run() async throws {
    let (inv, hosts, fleet) = try options.fleet()
    let network = try networkSection(inv)
    let access = options.connection.access()
    let state = access.stateDirectory(cluster: inv.name)
    let lastPlanPath = state.lastPlan
    let lastPlan = FileManager.default.contents(atPath: lastPlanPath).flatMap { try? Plan.fromJSON($0) }
    let madeAt = (try? FileManager.default.attributesOfItem(atPath: lastPlanPath)[.modificationDate] as? Date).map {
      ISO8601DateFormatter().string(from: $0)
    }
    let auditor = Auditor(waivers: inv.hardening.waivers, today: UTCDate.day())
    let audits = await ClusterChecks.audit(inv, hosts: hosts, fleet: fleet, auditor: auditor)
    let book = try playbooks.load(inventoryPath: access.inventoryPath)
    let drift = try await ClusterChecks.drift(inv, hosts: hosts, fleet: fleet, access: access, playbook: book, auditor: auditor,
      notices: Console.notices)
    var lastRun: HTMLReport.LastRun?
    if FileManager.default.fileExists(atPath: state.journal), let r = try? RunJournal(path: state.journal).lastRun() {
      lastRun = HTMLReport.LastRun(id: r.id, playbook: r.playbook, started: ISO8601DateFormatter().string(from: r.startedAt),
        result: r.result ?? (r.endedAt == nil ? "did not finish" : "?"))
    }
    let page = HTMLReport(inventory: inv, plan: lastPlan, planMadeAt: madeAt, audits: audits, drift: drift, lastRun: lastRun,
      network: network, generatedAt: ISO8601DateFormatter().string(from: Date())).render()
    guard FileManager.default.createFile(atPath: html, contents: Data(page.utf8), attributes: [.posixPermissions: 0o644]) else {
      Console.err("error: cannot write \(html)\n")
      throw BulwarkExit.failure
    }
    let failing = audits.reduce(0) { $0 + $1.failed }
    Console.out("Report: \(html) (\(page.utf8.count) bytes): \(hosts.count) hosts, \(failing) failing checks, drift on \(drift.filter { !$0.findings.isEmpty }.count) hosts\(lastPlan == nil ? ", no plan yet" : "")\n")
  }

  /// The host matrix as the plan renders the firewall, and the pod matrix of `--manifests` (loaded
  /// first, so a path that reads nothing stops the report before any host is asked).
  func networkSection(_ inv: Inventory) throws -> NetworkSection {
    let hosts = HostMatrix.flows(inv, sshFrom: ControllerAddresses.sshFrom(inv))
    guard !manifests.isEmpty else { return NetworkSection(hosts: hosts, pods: nil) }
    let (loaded, _) = try NetpolCommand.load(manifests)
    let analysis = ConnectivityAnalysis(loaded)
    return NetworkSection(hosts: hosts,
      pods: NetworkSection.Pods(paths: manifests, connections: analysis.connections(), findings: Exposure.findings(analysis)))
  }
}
