import ArgumentParser
import Hardening
import Inventory
import LocalExec
import NetworkPolicy
import Orchestration
import Remote
import Support

extension NetpolCommand {
  /// `bulwark netpol hosts`: the host-to-host matrix Bulwark's firewall allows (`HostMatrix`),
  /// worked out offline from the inventory; nothing is sent to a host.
  struct Hosts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The host-to-host matrix Bulwark's firewall allows, from the inventory: SRC => DST : CONNS.",
      discussion: """
        Hosts are shown as NAME[Host], sources that are no host of the inventory (the controller, a \
        bastion, spec.kubernetes.nodePorts.from, the pod CIDR, anywhere) as ADDRESS-OR-CIDR[External]. \
        SSH is admitted from the address this machine would use toward each host (as plan renders it), \
        or from --controller.
        """)

    @Option(name: [.short, .customLong("inventory")], help: "The inventory YAML file.") var inventory: String
    @Option(name: [.short, .customLong("output")], help: "txt, json, csv, md or dot.") var output: ReportFormat = .txt
    @Option(help: "The controller's address, as every host's firewall admits SSH from it (default: worked out per host, as plan does).")
    var controller: String?
    @Flag(help: "On a bulwark lab (as root): probe every pair of hosts on every port the matrix names, for real between the hosts' network namespaces (the pair's ports must pass, the others be dropped); exit 1 naming each pair and port where the kernel disagrees.")
    var verify = false

    func validate() throws {
      if let controller, ControllerAddresses.given(controller, for: []) == nil { throw ValidationError("--controller takes an IP address, got \"\(controller)\"") }
    }

    func run() async throws {
      let loaded = LoadedInventory.load(path: inventory)
      // Only errors: the warnings are about connecting (host keys) or running, which this does not do.
      for d in loaded.diagnostics where d.severity == .error { NetpolCommand.err(d.rendered + "\n") }
      guard let inv = loaded.valid else { throw NetpolCommand.invalidInput }
      let sshFrom = controller.flatMap { ControllerAddresses.given($0, for: inv.hosts) } ?? ControllerAddresses.sshFrom(inv)
      let flows = HostMatrix.flows(inv, sshFrom: sshFrom)
      NetpolCommand.out(ConnectionReport.render(rows: flows.map(\.row), as: output))
      guard verify else { return }
      let results = try await HostMatrixVerification.run(inv, flows: flows, local: LocalHost(id: HostID("controller")))
      let disagree = results.filter { !$0.agrees }
      for r in disagree { NetpolCommand.err("mismatch: \(r.line)\n") }
      let admitted = results.filter(\.probe.admitted).count, unobservable = results.filter { $0.observed == "unobservable" }.count
      NetpolCommand.err("verify: \(results.count) probes (\(admitted) the matrix admits, \(results.count - admitted) it denies)\(unobservable > 0 ? ", \(unobservable) unobservable (a UDP port the host already holds)" : ""): \(disagree.isEmpty ? "the kernel agrees with the matrix" : "\(disagree.count) disagree")\n")
      if !disagree.isEmpty { throw NetpolCommand.failure }
    }
  }
}

extension HostFlow {
  var row: ConnectionReport.Row {
    ConnectionReport.Row(source: source.description, destination: HostFlow.Peer.host(destination).description,
      connections: ports.description, sourceIsExternal: source.hostName == nil)
  }
}
