import Foundation
import Remote

/// How to reach and trust one host. Built from the inventory by the CLI; no C types.
public struct SSHHostConfig: Sendable {
  public enum HostKeyPolicy: String, Sendable { case strict, acceptNew = "accept-new", pinned }

  public var address: String
  public var port: Int
  public var user: String
  /// Private key files, tried in order after the agent.
  public var keyFiles: [String]
  public var useAgent: Bool
  /// Name of the environment variable that holds key passphrases (never the passphrase itself).
  public var passphraseEnv: String
  public var knownHostsPath: String
  public var hostKeyPolicy: HostKeyPolicy
  /// `TYPE BASE64`, required by the pinned policy.
  public var pinnedHostKey: String?
  public var connectTimeout: Duration
  public var commandTimeout: Duration
  public var keepaliveSeconds: Int
  /// Privileged commands go through sudo when the user is not root.
  public var become: Bool
  public var becomePasswordEnv: String?
  /// A jump host, itself verified with the same rules.
  public var bastion: Bastion?

  public struct Bastion: Sendable {
    public var address: String
    public var port: Int
    public var user: String
    public var keyFiles: [String]
    public var pinnedHostKey: String?
    public init(address: String, port: Int, user: String, keyFiles: [String], pinnedHostKey: String?) {
      self.address = address
      self.port = port
      self.user = user
      self.keyFiles = keyFiles
      self.pinnedHostKey = pinnedHostKey
    }
  }

  public init(
    address: String, port: Int = 22, user: String = "root", keyFiles: [String] = [], useAgent: Bool = false,
    passphraseEnv: String = "BULWARK_KEY_PASSPHRASE", knownHostsPath: String, hostKeyPolicy: HostKeyPolicy = .strict,
    pinnedHostKey: String? = nil, connectTimeout: Duration = .seconds(10), commandTimeout: Duration = .seconds(600),
    keepaliveSeconds: Int = 15, become: Bool = false, becomePasswordEnv: String? = nil, bastion: Bastion? = nil
  ) {
    self.address = address
    self.port = port
    self.user = user
    self.keyFiles = keyFiles
    self.useAgent = useAgent
    self.passphraseEnv = passphraseEnv
    self.knownHostsPath = knownHostsPath
    self.hostKeyPolicy = hostKeyPolicy
    self.pinnedHostKey = pinnedHostKey
    self.connectTimeout = connectTimeout
    self.commandTimeout = commandTimeout
    self.keepaliveSeconds = keepaliveSeconds
    self.become = become
    self.becomePasswordEnv = becomePasswordEnv
    self.bastion = bastion
  }
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
