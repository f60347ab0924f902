import ArgumentParser
import Drift
import Foundation
import Hardening
import Inventory
import Planning
import Remote

/// `bulwark drift`: the desired state (the playbook's plan and the hardening catalogue) against the
/// live hosts. Read-only; one round trip per host.
struct DriftCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drift",
    abstract: "Show exactly what differs between the desired configuration and the live hosts (read-only).",
    discussion: """
      Compares file contents (a unified diff for text, a hash for binaries), modes and owners, unit \
      states, kernel parameters, binaries, the firewall, the hardening catalogue, and for etcd the \
      running version, flags and members. One batched probe per host. Exits 0 without drift, 2 with \
      drift, 1 when a host could not be checked, 3 on invalid input. `bulwark apply` heals what it reports.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit }

  @OptionGroup var options: FleetOptions

  @Option(help: "The playbook whose plan is the desired state.")
  var playbook = "bootstrap"

  @Option(help: "Where playbooks live (default: ./playbooks, then next to the inventory).")
  var playbooksDir: String?

  @Option(name: [.short, .customLong("output")], help: "text, json or junit.")
  var output: Format = .text

  func run() async throws {
    let (inv, hosts, fleet) = try options.fleet()
    let inventoryPath = options.connection.inventory.inventory
    let book = try PlaybookChoice.load(playbook, directory: playbooksDir, inventoryPath: inventoryPath)
    // Planned as for hosts that already run: membership and versions come from the etcd probe in
    // the same round trip, so no facts are gathered first.
    let plan = try DomainInputs.plan(inv, inventoryPath: inventoryPath,
      stateDirectory: options.connection.inventory.stateDirectory(cluster: inv.name), playbook: book, writePKI: false)
    let drift = await Self.drift(inv, hosts: hosts, fleet: fleet, plan: plan)
    switch output {
    case .text: Console.out(DriftReport.text(drift))
    case .json: Console.out(try DriftReport.json(drift))
    case .junit: Console.out(DriftReport.junit(drift))
    }
    if drift.contains(where: { $0.error != nil }) { throw BulwarkExit.failure }
    if drift.contains(where: { !$0.findings.isEmpty }) { throw BulwarkExit.changesPending }
  }
}

extension DriftCommand {
  /// The plan's steps, the catalogue and etcd's state against the hosts: one read-only probe each.
  static func drift(_ inv: Inventory, hosts: [ClusterHost], fleet: Fleet, plan: Plan) async -> [HostDrift] {
    let auditor = Auditor(waivers: inv.hardening.waivers, today: LoadedInventory.today())
    let sshFrom = HardeningAddresses.sshFrom(inv)
    let probes = Dictionary(uniqueKeysWithValues: hosts.map {
      ($0.name, DriftProbe(host: $0, planned: plan.steps, inventory: inv, auditor: auditor))
    })
    let outcomes = await fleet.run(on: hosts.map(\.name)) { remote in
      try await remote.run(RemoteCommand(["sh", "-c", probes[remote.id]!.script])).stdoutText
    }
    return outcomes.map { o -> HostDrift in
      let probe = probes[o.host]!
      switch o.result {
      case .success(let text):
        let marker = Firewall.render(for: probe.host, in: inv, sshFrom: sshFrom[o.host] ?? []).marker
        return probe.compare(text, auditor: auditor, firewallMarker: marker)
      case .failure(let e):
        return HostDrift(host: o.host, findings: [], compared: 0, error: describe(e))
      }
    }
  }
}
