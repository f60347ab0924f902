import Foundation
import KnownHosts
import Remote

/// The host key a server offered in its handshake: the key type and the public-key blob in base64.
struct OfferedHostKey: Sendable, Equatable {
  var keyType: String
  var keyBase64: String

  init(keyType: String, keyBase64: String) {
    self.keyType = keyType
    self.keyBase64 = keyBase64
  }

  /// Reads the key as the wire carries it; a blob whose type cannot be read has type "unknown",
  /// which matches no entry and no pin.
  init(blob: [UInt8]) {
    self.init(keyType: Self.keyType(ofBlob: blob) ?? "unknown", keyBase64: Data(blob).base64EncodedString())
  }

  /// `SHA256:…` as `ssh-keygen -l` prints it, or "?" for a blob that is not base64.
  var fingerprint: String { KnownHosts.fingerprint(keyBase64: keyBase64) ?? "?" }

  /// The key type is the first string inside the SSH public-key blob.
  static func keyType(ofBlob blob: [UInt8]) -> String? {
    guard blob.count > 4 else { return nil }
    let n = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
    guard n > 0, 4 + n <= blob.count else { return nil }
    return String(decoding: blob[4..<(4 + n)], as: UTF8.self)
  }
}

/// What to do with an offered host key.
enum HostKeyVerdict: Sendable, Equatable {
  /// The key is the pinned one, or known_hosts holds it.
  case accept
  /// accept-new met a host known_hosts has no entry for: trust the key and append it.
  case acceptAndRecord
  case reject(HostKeyRejection)
}

/// Why an offered host key is refused.
enum HostKeyRejection: Sendable, Equatable {
  /// The pinned policy, but no usable `TYPE BASE64` pin.
  case noPin
  /// The pin names another key.
  case wrongPin(keyType: String, keyBase64: String)
  /// known_hosts marks the offered key `@revoked` for this host.
  case revoked
  /// known_hosts holds another key for this host: the first such entry, as in the file.
  case mismatch(line: Int, keyType: String, keyBase64: String)
  /// known_hosts has no entry for this host, and the policy is strict.
  case unknown
}

/// The host-key policy as a pure function: the offered key, the policy, the pin and this host's
/// known_hosts entries (from `KnownHosts.entries(host:port:)`, so hashed and `[host]:port` matching
/// is already done) give a verdict. No C, no files, so every branch is table-tested without sshd.
enum HostKeyDecision {
  static func decide(
    offered: OfferedHostKey, policy: SSHHostConfig.HostKeyPolicy, pinnedHostKey: String?, entries: [KnownHosts.Entry]
  ) -> HostKeyVerdict {
    if policy == .pinned {
      // The pin alone decides: known_hosts is not consulted, not even its @revoked lines.
      let pinned = pinnedHostKey?.split(separator: " ").map(String.init) ?? []
      guard pinned.count >= 2 else { return .reject(.noPin) }
      guard pinned[0] == offered.keyType, pinned[1] == offered.keyBase64 else {
        return .reject(.wrongPin(keyType: pinned[0], keyBase64: pinned[1]))
      }
      return .accept
    }
    if entries.contains(where: { $0.revoked && $0.keyBase64 == offered.keyBase64 }) { return .reject(.revoked) }
    if entries.contains(where: { !$0.revoked && $0.keyType == offered.keyType && $0.keyBase64 == offered.keyBase64 }) {
      return .accept
    }
    if let other = entries.first(where: { !$0.revoked }) {
      return .reject(.mismatch(line: other.line, keyType: other.keyType, keyBase64: other.keyBase64))
    }
    return policy == .acceptNew ? .acceptAndRecord : .reject(.unknown)
  }
}

extension HostKeyRejection {
  /// The error a refused connection fails with: the host's name as known_hosts spells it, both
  /// fingerprints where there are two, and for an unknown key how to trust it.
  func error(offered: OfferedHostKey, host id: HostID, address: String, port: Int, knownHostsPath: String) -> RemoteError {
    let name = KnownHosts.hostName(address, port: port)
    let keyType = offered.keyType, fingerprint = offered.fingerprint
    switch self {
    case .noPin:
      return RemoteError(.hostKeyUnknown, host: id, "no pinned host key for \(name); the server offers \(keyType) \(fingerprint)")
    case .wrongPin(let pinnedType, let pinnedKey):
      return RemoteError(.hostKeyMismatch, host: id,
        "HOST KEY MISMATCH for \(name): pinned \(pinnedType) \(KnownHosts.fingerprint(keyBase64: pinnedKey) ?? "?"), server offers \(keyType) \(fingerprint); refusing to connect")
    case .revoked:
      return RemoteError(.hostKeyMismatch, host: id, "the host key \(fingerprint) of \(name) is revoked in \(knownHostsPath)")
    case .mismatch(let line, let otherType, let otherKey):
      return RemoteError(.hostKeyMismatch, host: id,
        "HOST KEY MISMATCH for \(name): \(knownHostsPath) line \(line) has \(otherType) \(KnownHosts.fingerprint(keyBase64: otherKey) ?? "?"), server offers \(keyType) \(fingerprint); refusing to connect (if the host was rebuilt, remove the old line after checking)")
    case .unknown:
      let howToTrust =
        "check the fingerprint out of band, then add it: ssh-keyscan -p \(port) -t \(keyType) \(address) >> \(knownHostsPath) (or pin it as ssh.hostKey)"
      return RemoteError(.hostKeyUnknown, host: id, "unknown host key for \(name): \(keyType) \(fingerprint); \(howToTrust)")
    }
  }
}
