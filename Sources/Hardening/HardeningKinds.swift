import Inventory
import Planning

/// What the hardening kinds need besides the inventory: where each host sees the controller come
/// from (its own address toward the host, or the site's bastion), for the SSH rule.
public struct HardeningInputs: Sendable {
  public var sshFrom: [String: [String]]
  /// The firewall's role sets, worked out once per plan; nil makes each host work them out (slow
  /// for a large fleet).
  public var firewallPeers: FirewallPeers?
  /// Each host's OpenSSH server version, by host name, as the host said (`sshd -V`); a host not in
  /// it (an offline plan, a host that could not be asked) gets no keyword that needs a newer sshd.
  public var openSSH: [String: OpenSSHVersion]
  public init(sshFrom: [String: [String]], inventory: Inventory? = nil, openSSH: [String: OpenSSHVersion] = [:]) {
    self.sshFrom = sshFrom
    firewallPeers = inventory.map(FirewallPeers.init)
    self.openSSH = openSSH
  }
}

/// The `harden` playbook's kinds, one per file. Each builds its remediation from the same catalogue
/// entries the audit evaluates, so `audit` reports exactly what `apply` fixes; the scripts they run
/// are in `HardeningScripts`.
public enum HardeningKinds {
  public static func all(_ inputs: HardeningInputs, catalogue: [Check] = Catalogue.all) -> [String: any StepKind] {
    let kinds: [any StepKind] = [
      SSHDKind(catalogue: catalogue, openSSH: inputs.openSSH), SysctlKind(catalogue: catalogue), FilesKind(catalogue: catalogue), UnitsKind(catalogue: catalogue),
      FirewallKind(inputs: inputs),
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }
}
