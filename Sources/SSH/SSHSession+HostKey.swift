import CLibSSH2
import Foundation
import KnownHosts
import Remote

/// Host-key trust: which key types to ask for, and the offered key checked against the policy,
/// the pin and known_hosts.
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

  func verifyHostKey(_ store: KnownHostsStore) throws {
    var length = 0
    var type: Int32 = 0
    guard let raw = libssh2_session_hostkey(session, &length, &type) else {
      throw RemoteError(.protocolError, host: id, "the server sent no host key")
    }
    let blob = Data(bytes: raw, count: length)
    let keyBase64 = blob.base64EncodedString()
    let keyType = Self.keyType(ofBlob: [UInt8](blob)) ?? "unknown"
    let fingerprint = KnownHosts.fingerprint(keyBase64: keyBase64) ?? "?"
    let name = KnownHosts.hostName(config.address, port: config.port)
    let howToTrust =
      "check the fingerprint out of band, then add it: ssh-keyscan -p \(config.port) -t \(keyType) \(config.address) >> \(store.path) (or pin it as ssh.hostKey)"

    if config.hostKeyPolicy == .pinned {
      let pinned = config.pinnedHostKey?.split(separator: " ").map(String.init) ?? []
      guard pinned.count >= 2 else {
        throw RemoteError(.hostKeyUnknown, host: id, "no pinned host key for \(name); the server offers \(keyType) \(fingerprint)")
      }
      guard pinned[0] == keyType, pinned[1] == keyBase64 else {
        throw RemoteError(.hostKeyMismatch, host: id,
          "HOST KEY MISMATCH for \(name): pinned \(pinned[0]) \(KnownHosts.fingerprint(keyBase64: pinned[1]) ?? "?"), server offers \(keyType) \(fingerprint); refusing to connect")
      }
      return
    }
    let entries = store.entries(host: config.address, port: config.port)
    if entries.contains(where: { $0.revoked && $0.keyBase64 == keyBase64 }) {
      throw RemoteError(.hostKeyMismatch, host: id, "the host key \(fingerprint) of \(name) is revoked in \(store.path)")
    }
    if entries.contains(where: { !$0.revoked && $0.keyType == keyType && $0.keyBase64 == keyBase64 }) { return }
    if let other = entries.first(where: { !$0.revoked }) {
      throw RemoteError(.hostKeyMismatch, host: id,
        "HOST KEY MISMATCH for \(name): \(store.path) line \(other.line) has \(other.keyType) \(KnownHosts.fingerprint(keyBase64: other.keyBase64) ?? "?"), server offers \(keyType) \(fingerprint); refusing to connect (if the host was rebuilt, remove the old line after checking)")
    }
    switch config.hostKeyPolicy {
    case .acceptNew:
      try store.add(host: config.address, port: config.port, keyType: keyType, keyBase64: keyBase64)
    case .strict, .pinned:
      throw RemoteError(.hostKeyUnknown, host: id, "unknown host key for \(name): \(keyType) \(fingerprint); \(howToTrust)")
    }
  }

  /// The key type is the first string inside the SSH public-key blob.
  static func keyType(ofBlob blob: [UInt8]) -> String? {
    guard blob.count > 4 else { return nil }
    let n = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
    guard n > 0, 4 + n <= blob.count else { return nil }
    return String(decoding: blob[4..<(4 + n)], as: UTF8.self)
  }
}
