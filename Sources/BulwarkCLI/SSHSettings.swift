import Foundation
import Inventory
import Remote
import SSH

/// Turns the inventory's SSH settings into per-host transport settings.
enum SSHSettings {
  static func configs(_ inv: Inventory, inventoryPath: String) -> [HostID: SSHHostConfig] {
    let knownHosts = resolvePath(inv.ssh.knownHosts, relativeTo: inventoryPath)
    let defaultKeys = inv.ssh.keys.map { resolvePath($0, relativeTo: inventoryPath) }
    let policy: SSHHostConfig.HostKeyPolicy =
      switch inv.ssh.hostKeyPolicy {
      case .strict: .strict
      case .acceptNew: .acceptNew
      case .pinned: .pinned
      }
    var out: [HostID: SSHHostConfig] = [:]
    for host in inv.hosts {
      let bastion = inv.site(named: host.site)?.bastion.map { b in
        SSHHostConfig.Bastion(
          address: b.address.description, port: b.port, user: b.user,
          keyFiles: b.key.map { [resolvePath($0, relativeTo: inventoryPath)] } ?? defaultKeys, pinnedHostKey: b.hostKey)
      }
      out[host.name] = SSHHostConfig(
        address: host.address.description, port: host.port, user: host.user,
        keyFiles: host.ssh.key.map { [resolvePath($0, relativeTo: inventoryPath)] } ?? defaultKeys,
        useAgent: inv.ssh.agent, knownHostsPath: knownHosts, hostKeyPolicy: policy, pinnedHostKey: host.ssh.hostKey,
        connectTimeout: .seconds(inv.ssh.connectTimeoutSeconds), commandTimeout: .seconds(inv.ssh.commandTimeoutSeconds),
        keepaliveSeconds: inv.ssh.keepaliveSeconds, become: host.ssh.become,
        becomePasswordEnv: host.ssh.becomePasswordEnv, bastion: bastion)
    }
    return out
  }

  static func endpoints(_ inv: Inventory) -> [HostID: HostEndpoint] {
    Dictionary(uniqueKeysWithValues: inv.hosts.map {
      ($0.name, HostEndpoint(id: $0.name, address: $0.address.description, port: $0.port, user: $0.user))
    })
  }
}

/// `--limit role=etcd`, `site=dc1`, `host=cp-1`; several are a union (comma-separated or repeated).
struct HostLimit {
  enum Term { case role(Role), site(String), host(String) }
  var terms: [Term]

  init(_ specs: [String]) throws {
    terms = []
    for spec in specs.flatMap({ $0.split(separator: ",").map(String.init) }) {
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw CLIError("--limit \(spec): write role=NAME, site=NAME or host=NAME") }
      switch parts[0] {
      case "role":
        guard let r = Role(rawValue: parts[1]) else { throw CLIError("--limit \(spec): unknown role \(parts[1])") }
        terms.append(.role(r))
      case "site": terms.append(.site(parts[1]))
      case "host": terms.append(.host(parts[1]))
      default: throw CLIError("--limit \(spec): write role=NAME, site=NAME or host=NAME")
      }
    }
  }

  func select(_ inv: Inventory) throws -> [ClusterHost] {
    guard !terms.isEmpty else { return inv.hosts }
    let hosts = inv.hosts.filter { h in
      terms.contains { t in
        switch t {
        case .role(let r): h.has(r)
        case .site(let s): h.site == s
        case .host(let n): h.name == n
        }
      }
    }
    if hosts.isEmpty { throw CLIError("--limit matches no host") }
    return hosts
  }
}

struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}
