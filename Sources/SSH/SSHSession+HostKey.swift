import CLibSSH2
import Foundation
import Remote

/// The libssh2 side of host-key trust: which key types to ask for, and reading the offered key.
/// What to do with that key is `HostKeyDecision`'s job, which touches no C and no files.
extension SSHSession {
  /// Key types already trusted for this host, so the server is asked for one of those first.
  func knownHostKeyTypes(_ store: KnownHostsStore) -> [String] {
    if config.hostKeyPolicy == .pinned, let pinned = config.pinnedHostKey {
      return [String(pinned.split(separator: " ")[0])]
    }
    var types: [String] = []
    for e in store.entries(host: config.address, port: config.port) where !e.revoked && !types.contains(e.keyType) {
      if Algorithms.hostKeys.contains(e.keyType) { types.append(e.keyType) }
    }
    return types
  }

  /// Checks the key the server offered in the handshake against the policy, the pin and known_hosts;
  /// under accept-new an unknown host's key is appended to known_hosts.
  func verifyHostKey(_ store: KnownHostsStore) throws {
    var length = 0
    var type: Int32 = 0
    guard let raw = libssh2_session_hostkey(session, &length, &type) else {
      throw RemoteError(.protocolError, host: id, "the server sent no host key")
    }
    let offered = OfferedHostKey(blob: [UInt8](Data(bytes: raw, count: length)))
    let verdict = HostKeyDecision.decide(
      offered: offered, policy: config.hostKeyPolicy, pinnedHostKey: config.pinnedHostKey,
      entries: store.entries(host: config.address, port: config.port))
    switch verdict {
    case .accept:
      return
    case .acceptAndRecord:
      try store.add(host: config.address, port: config.port, keyType: offered.keyType, keyBase64: offered.keyBase64)
    case .reject(let reason):
      throw reason.error(offered: offered, host: id, address: config.address, port: config.port, knownHostsPath: store.path)
    }
  }
}
