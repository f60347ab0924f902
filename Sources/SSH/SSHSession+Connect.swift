import CLibSSH2
import Foundation
import Remote

/// Algorithms Bulwark's client offers: only modern ones, matching what a hardened sshd keeps
/// (no SHA-1, no CBC, no NIST-curve key exchange). Host-key preferences put known key types first.
enum Algorithms {
  static let kex = "curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256"
  static let hostKeys = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"]
  static let ciphers = "aes256-ctr,aes192-ctr,aes128-ctr"
  static let macs = "hmac-sha2-512,hmac-sha2-256"
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
