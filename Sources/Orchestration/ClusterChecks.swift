import Drift
import Foundation
import Hardening
import Inventory
import Planning
import Remote
import Steps
import Support

/// Audit and drift: the hardening catalogue, and the desired state, against the live hosts.
/// Read-only, one probe per host; a host that cannot be asked is reported with its own error.
public enum ClusterChecks {
  /// The catalogue against the hosts: one read-only probe each.
  public static func audit(_ inv: Inventory, hosts: [ClusterHost], fleet: Fleet, auditor: Auditor) async -> [HostAudit] {
    await auditReadingFacts(inv, hosts: hosts, fleet: fleet, auditor: auditor).map(\.audit)
  }

  /// `audit`, with the facts each host answered (nil for a host that could not be asked), which also
  /// carry the versions it runs (`HostAdvisories`).
  public static func auditReadingFacts(
    _ inv: Inventory, hosts: [ClusterHost], fleet: Fleet, auditor: Auditor
  ) async -> [(audit: HostAudit, facts: HostFacts?)] {
    let sshFrom = ControllerAddresses.sshFrom(inv), peers = FirewallPeers(inv)
    let byName = Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, $0) })
    let outcomes = await fleet.run(on: hosts.map(\.name)) { remote in
      guard let host = byName[remote.id] else { throw RemoteError(.unknownHost, host: remote.id, "not asked for") }
      let r = try await remote.run(HostProbe.command(auditor.checks(for: host)))
      return HostProbe.parse(r.stdoutText)
    }
    return outcomes.map { o -> (audit: HostAudit, facts: HostFacts?) in
      switch (o.result, byName[o.host]) {
      case (.success(let facts), let host?):
        let marker = Firewall.render(for: host, in: inv, peers: peers, sshFrom: sshFrom[host.name] ?? []).marker
        return (auditor.audit(host, facts: facts, firewallMarker: marker), facts)
      case (.failure(let e), _):
        return (HostAudit(host: o.host, results: [], error: describe(e)), nil)
      case (.success, nil):
        return (HostAudit(host: o.host, results: [], error: "not a host of the inventory"), nil)
      }
    }
  }

  /// The plan's steps, the catalogue and etcd's state against the hosts: one read-only probe each.
  public static func drift(_ inv: Inventory, hosts: [ClusterHost], fleet: Fleet, plan: Plan, auditor: Auditor) async -> [HostDrift] {
    let sshFrom = ControllerAddresses.sshFrom(inv), peers = FirewallPeers(inv)
    let probes = Dictionary(uniqueKeysWithValues: hosts.map {
      ($0.name, DriftProbe(host: $0, planned: plan.steps, inventory: inv, auditor: auditor))
    })
    let outcomes = await fleet.run(on: hosts.map(\.name)) { remote in
      guard let probe = probes[remote.id] else { throw RemoteError(.unknownHost, host: remote.id, "not asked for") }
      return try await remote.run(RemoteCommand.scriptOnStdin(probe.script)).stdoutText
    }
    return outcomes.map { o -> HostDrift in
      switch (o.result, probes[o.host]) {
      case (.success(let text), let probe?):
        let marker = Firewall.render(for: probe.host, in: inv, peers: peers, sshFrom: sshFrom[o.host] ?? []).marker
        return probe.compare(text, auditor: auditor, firewallMarker: marker)
      case (.failure(let e), _):
        return HostDrift(host: o.host, findings: [], compared: 0, error: describe(e))
      case (.success, nil):
        return HostDrift(host: o.host, findings: [], compared: 0, error: "not a host of the inventory")
      }
    }
  }

  /// Drift against the plan of `playbook`, planned as for hosts that already run: membership and
  /// versions come from the etcd probe in the same round trip, so no etcd facts are gathered first.
  /// A hardening playbook's sshd drop-in depends on each host's OpenSSH, which is asked first; a host
  /// that could not be asked then is reported with that error and not tried a second time.
  public static func drift(
    _ inv: Inventory, hosts: [ClusterHost], fleet: Fleet, access: ClusterAccess, playbook: Playbook, auditor: Auditor,
    notices: NoticeSink = { _ in }
  ) async throws(OperationError) -> [HostDrift] {
    // One session per host for both rounds (each login costs the host a key exchange and a PAM session).
    try await fleet.sharingSessions { (fleet) async throws(OperationError) -> [HostDrift] in
      try await drift(inv, hosts: hosts, sharing: fleet, access: access, playbook: playbook, auditor: auditor, notices: notices)
    }
  }

  static func drift(
    _ inv: Inventory, hosts: [ClusterHost], sharing fleet: Fleet, access: ClusterAccess, playbook: Playbook, auditor: Auditor,
    notices: NoticeSink
  ) async throws(OperationError) -> [HostDrift] {
    let openSSH = KindRegistry.domains(used: playbook).contains(.hardening)
      ? await OpenSSHVersions.gather(inv, fleet: fleet, notices: notices) : OpenSSHVersions.Gathered()
    let plan = try DomainInputs.plan(DomainInputs.Request(inv, inventoryPath: access.inventoryPath,
      state: access.stateDirectory(cluster: inv.name), playbook: playbook, writePKI: false, openSSH: openSSH.versions), notices: notices)
    let unreachable = openSSH.unreachable
    let checked = await drift(inv, hosts: hosts.filter { unreachable[$0.name] == nil }, fleet: fleet, plan: plan, auditor: auditor)
    let byHost = Dictionary(checked.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
    return hosts.map { byHost[$0.name] ?? HostDrift(host: $0.name, findings: [], compared: 0, error: unreachable[$0.name]) }
  }
}
