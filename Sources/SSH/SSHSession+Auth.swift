import CLibSSH2
import Foundation
import Remote

/// Public-key authentication: the agent first (when asked for and running), then each key file in
/// order. A failure names everything that was tried and why each one did not work.
extension SSHSession {
  func authenticate(_ deadline: ContinuousClock.Instant) throws {
    let user = config.user
    var tried: [String] = []
    let list: UnsafeMutablePointer<CChar>? = try retryPointer(deadline, "auth list") {
      libssh2_userauth_list(self.session, user, UInt32(user.utf8.count))
    }
    if list == nil, libssh2_userauth_authenticated(session) == 1 { return }
    let offered = list.map { String(cString: $0) } ?? ""
    if !offered.split(separator: ",").contains("publickey") {
      throw RemoteError(.authenticationFailed, host: id, "\(user)@\(config.address) does not accept public keys (server offers: \(offered))")
    }
    if config.useAgent, ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil {
      switch try agentAuth(deadline) {
      case .success: return
      case .failure(let why): tried.append("ssh-agent (\(why))")
      }
    }
    let passphrase = ProcessInfo.processInfo.environment[config.passphraseEnv]
    for raw in config.keyFiles {
      let path = raw.hasPrefix("~/") ? NSHomeDirectory() + raw.dropFirst() : raw
      guard FileManager.default.isReadableFile(atPath: path) else {
        tried.append("\(raw) (missing)")
        continue
      }
      let rc = try retry(deadline, "public-key auth") {
        libssh2_userauth_publickey_fromfile_ex(self.session, user, UInt32(user.utf8.count), nil, path, passphrase)
      }
      if rc == 0 { return }
      let why = rc == LIBSSH2_ERROR_FILE ? "cannot load key\(passphrase == nil ? "; set \(config.passphraseEnv) if it has a passphrase" : ", wrong passphrase?")" : "rejected"
      tried.append("\(raw) (\(why))")
    }
    throw RemoteError(.authenticationFailed, host: id,
      "authentication as \(user)@\(config.address) failed; tried: \(tried.isEmpty ? "no keys configured" : tried.joined(separator: ", "))")
  }

  private enum AgentResult { case success, failure(String) }

  /// Offers each of the agent's keys in turn; the failure says whether there were none or all were rejected.
  private func agentAuth(_ deadline: ContinuousClock.Instant) throws -> AgentResult {
    guard let agent = libssh2_agent_init(session) else { return .failure("cannot initialise") }
    defer {
      libssh2_agent_disconnect(agent)
      libssh2_agent_free(agent)
    }
    guard libssh2_agent_connect(agent) == 0 else { return .failure("cannot connect") }
    guard libssh2_agent_list_identities(agent) == 0 else { return .failure("cannot list keys") }
    var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
    var count = 0
    while true {
      var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
      let rc = libssh2_agent_get_identity(agent, &identity, previous)
      if rc != 0 { break }
      count += 1
      let user = config.user
      let auth = try retry(deadline, "agent auth") { libssh2_agent_userauth(agent, user, identity) }
      if auth == 0 { return .success }
      previous = identity
    }
    return .failure(count == 0 ? "no keys" : "\(count) key\(count == 1 ? "" : "s") rejected")
  }
}
