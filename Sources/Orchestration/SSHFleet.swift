import Foundation
import Inventory
import Remote
import SSH
import Support

/// The inventory's SSH settings as per-host transport settings, and the fleet built from them.
public enum SSHSettings {
  public static func configs(_ inv: Inventory, inventoryPath: String) -> [HostID: SSHHostConfig] {
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

  /// Every private key file the inventory names (for a passphrase prompt before connecting).
  public static func keyFiles(_ inv: Inventory, inventoryPath: String) -> [String] {
    Array(Set(configs(inv, inventoryPath: inventoryPath).values.flatMap(\.keyFiles))).sorted()
  }

  static func endpoints(_ inv: Inventory) -> [HostID: HostEndpoint] {
    Dictionary(uniqueKeysWithValues: inv.hosts.map {
      ($0.name, HostEndpoint(id: $0.name, address: $0.address.description, port: $0.port, user: $0.user))
    })
  }
}

extension Fleet {
  /// SSH to every host of the inventory, as its ssh settings say.
  public static func ssh(_ inv: Inventory, inventoryPath: String, concurrency: Int? = nil, forceBecome: Bool = false) -> Fleet {
    let bound = concurrency ?? inv.ssh.concurrency
    var configs = SSHSettings.configs(inv, inventoryPath: inventoryPath)
    if forceBecome { for id in configs.keys { configs[id]?.become = true } }
    let transport = SSHTransport(hosts: configs, threads: bound)
    return Fleet(transport: transport, endpoints: SSHSettings.endpoints(inv), concurrency: bound)
  }
}

/// `--limit role=etcd`, `site=dc1`, `host=cp-1`; several are a union (comma-separated or repeated).
public struct HostLimit: Sendable {
  enum Term { case role(Role), site(String), host(String) }
  var terms: [Term]

  public init(_ specs: [String]) throws(OperationError) {
    terms = []
    func bad(_ why: String) -> OperationError { OperationError(.invalidInput, .hostLimit, why) }
    for spec in specs.flatMap({ $0.split(separator: ",").map(String.init) }) {
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw bad("--limit \(spec): write role=NAME, site=NAME or host=NAME") }
      switch parts[0] {
      case "role":
        guard let r = Role(rawValue: parts[1]) else { throw bad("--limit \(spec): unknown role \(parts[1])") }
        terms.append(.role(r))
      case "site": terms.append(.site(parts[1]))
      case "host": terms.append(.host(parts[1]))
      default: throw bad("--limit \(spec): write role=NAME, site=NAME or host=NAME")
      }
    }
  }

  public func select(_ inv: Inventory) throws(OperationError) -> [ClusterHost] {
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
    if hosts.isEmpty { throw OperationError(.invalidInput, .hostLimit, "--limit matches no host") }
    return hosts
  }
}

/// Where an operation's inventory comes from and how it reaches the hosts.
public struct ClusterAccess: Sendable {
  public var inventoryPath: String
  public var stateDirectoryOverride: String?
  public var concurrency: Int?
  public var forceBecome = false
  /// Called with every private key file the inventory names, once it is loaded and before the
  /// fleet is built (the CLI asks for an encrypted key's passphrase there).
  public var beforeConnect: @Sendable ([String]) -> Void

  public init(
    inventoryPath: String, stateDirectoryOverride: String? = nil, concurrency: Int? = nil, forceBecome: Bool = false,
    beforeConnect: @escaping @Sendable ([String]) -> Void = { _ in }
  ) {
    self.inventoryPath = inventoryPath
    self.stateDirectoryOverride = stateDirectoryOverride
    self.concurrency = concurrency
    self.forceBecome = forceBecome
    self.beforeConnect = beforeConnect
  }

  public func stateDirectory(cluster: String) -> StateDirectory {
    StateDirectory(inventoryPath: inventoryPath, cluster: cluster, override: stateDirectoryOverride)
  }

  /// Loads and validates the inventory, refusing invalid ones with every diagnostic.
  public func load() throws(OperationError) -> (Inventory, [Diagnostic]) {
    let loaded = LoadedInventory.load(path: inventoryPath)
    guard let inv = loaded.valid else { throw .invalid(loaded.diagnostics) }
    return (inv, loaded.diagnostics)
  }

  /// The inventory and an SSH fleet for all its hosts.
  public func connect() throws(OperationError) -> (Inventory, [Diagnostic], Fleet) {
    let (inv, diagnostics) = try load()
    beforeConnect(SSHSettings.keyFiles(inv, inventoryPath: inventoryPath))
    return (inv, diagnostics, Fleet.ssh(inv, inventoryPath: inventoryPath, concurrency: concurrency, forceBecome: forceBecome))
  }

  /// As `connect`, refusing a strict-policy host nobody has vouched for (a warning at validate, an
  /// error before anything changes).
  public func connectVouched() throws(OperationError) -> (Inventory, Fleet) {
    let (inv, diagnostics, fleet) = try connect()
    let unknown = diagnostics.filter { $0.code == "host-key-unknown" }
    if !unknown.isEmpty {
      throw .invalid(unknown.map { Diagnostic(.error, code: $0.code, $0.message, at: $0.location, path: $0.path, hint: $0.hint) },
        code: .hostKeyUnknown)
    }
    return (inv, fleet)
  }
}
