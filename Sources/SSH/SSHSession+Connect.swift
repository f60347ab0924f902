import CLibSSH2
import Foundation
import Remote
import Support

/// Algorithms Bulwark's client offers: `SSHAlgorithms.client`, the one list the hardened sshd's is
/// built beside. Host-key preferences put known key types first.
enum Algorithms {
  static let kex = SSHAlgorithms.client.kex.joined(separator: ",")
  static let hostKeys = SSHAlgorithms.client.hostKeys
  static let ciphers = SSHAlgorithms.client.ciphers.joined(separator: ",")
  static let macs = SSHAlgorithms.client.macs.joined(separator: ",")
}

extension SSHSession {
  /// Connects (directly, or through `bastionSession`'s tunnel), negotiates, verifies the host key
  /// and authenticates, all within `config.connectTimeout`.
  func open(knownHosts: KnownHostsStore, bastionSession: SSHSession? = nil) throws {
    lock.lock()
    defer { lock.unlock() }
    precondition(LibSSH2.ready)
    let deadline = ContinuousClock.now + config.connectTimeout
    if let bastionSession {
      let t = try Tunnel(through: bastionSession, to: config.address, port: config.port, id: id, deadline: deadline)
      tunnel = t
      fd = t.localFD
    } else {
      fd = try TCP.connect(host: config.address, port: config.port, timeout: config.connectTimeout, id: id)
    }
    guard let s = libssh2_session_init_ex(nil, nil, nil, nil) else {
      throw RemoteError(.protocolError, host: id, "libssh2 could not create a session")
    }
    session = s
    libssh2_session_set_blocking(s, 0)
    let known = knownHostKeyTypes(knownHosts)
    let hostKeys = (known + Algorithms.hostKeys.filter { !known.contains($0) }).joined(separator: ",")
    for (method, prefs) in [
      (LIBSSH2_METHOD_KEX, Algorithms.kex), (LIBSSH2_METHOD_HOSTKEY, hostKeys),
      (LIBSSH2_METHOD_CRYPT_CS, Algorithms.ciphers), (LIBSSH2_METHOD_CRYPT_SC, Algorithms.ciphers),
      (LIBSSH2_METHOD_MAC_CS, Algorithms.macs), (LIBSSH2_METHOD_MAC_SC, Algorithms.macs),
    ] {
      _ = libssh2_session_method_pref(s, method, prefs)
    }
    let rc = try retry(deadline, "handshake") { libssh2_session_handshake(s, self.fd) }
    if rc != 0 {
      throw RemoteError(.protocolError, host: id, "SSH handshake with \(config.address):\(config.port) failed: \(lastError())")
    }
    negotiatedKex = libssh2_session_methods(s, LIBSSH2_METHOD_KEX).map { String(cString: $0) } ?? ""
    negotiatedHostKey = libssh2_session_methods(s, LIBSSH2_METHOD_HOSTKEY).map { String(cString: $0) } ?? ""
    try verifyHostKey(knownHosts)
    try authenticate(deadline)
    libssh2_keepalive_config(s, 1, UInt32(max(config.keepaliveSeconds, 1)))
  }
}
