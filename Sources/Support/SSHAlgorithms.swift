/// The SSH algorithms Bulwark speaks, in one place for both ends: the libssh2 client (`SSH`) offers
/// `client`, and the sshd drop-in hardening renders (`Hardening.Catalogue`) keeps `hardenedServer`.
/// Both are built from the same shared lists, so every kind of algorithm keeps at least one both
/// accept, and hardening a host cannot lock Bulwark's own client out.
///
/// Nothing here is SHA-1, CBC, ChaCha20-Poly1305 (Terrapin, CVE-2023-48795,
/// https://terrapin-attack.com) or a DH group under 2048 bits; the client keeps NIST-curve host
/// keys and finite-field Diffie-Hellman only to reach hosts not yet hardened.
///
/// The hardened sshd keeps no finite-field Diffie-Hellman at all, as OpenSSH 10.0's sshd no longer
/// offers it by default (release notes of OpenSSH 10.0, 2025-04-09,
/// https://www.openssh.com/txt/release-10.0): each such handshake costs the server a modular
/// exponentiation a client can ask for cheaply (DHEat, CVE-2002-20001), and on OpenSSH 10.0
/// `diffie-hellman-group-exchange-sha256` falls back to a 2048-bit group whatever the moduli file
/// holds (ssh-audit 3.9.0 against Debian 13's 10.0p2; OpenSSH bug 2793). Every algorithm it keeps is
/// in both Debian 12's OpenSSH 9.2 and Debian 13's 10.0, so one drop-in passes `sshd -t` on both.
public struct SSHAlgorithms: Sendable, Equatable {
  public var kex: [String]
  public var hostKeys: [String]
  public var ciphers: [String]
  public var macs: [String]

  /// Key exchange both ends accept.
  static let sharedKex = ["curve25519-sha256", "curve25519-sha256@libssh.org"]
  /// Finite-field Diffie-Hellman of 2048 bits or more: the client offers it to reach hosts not yet
  /// hardened; the hardened sshd keeps none.
  static let finiteFieldKex = [
    "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group14-sha256",
  ]
  static let sharedHostKeys = ["ssh-ed25519"]
  static let sharedCiphers = ["aes256-ctr", "aes192-ctr", "aes128-ctr"]
  static let sharedMACs = ["hmac-sha2-512", "hmac-sha2-256"]

  /// What Bulwark's libssh2 client offers, in order of preference.
  public static let client = SSHAlgorithms(
    kex: sharedKex + finiteFieldKex,
    hostKeys: sharedHostKeys + ["ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"],
    ciphers: sharedCiphers, macs: sharedMACs)

  /// What a hardened sshd keeps: the shared lists, plus what OpenSSH clients prefer (sntrup761,
  /// AES-GCM, EtM MACs, ed25519 certificates), which libssh2 1.10 does not speak, and nothing else.
  public static let hardenedServer = SSHAlgorithms(
    kex: ["sntrup761x25519-sha512@openssh.com"] + sharedKex,
    hostKeys: sharedHostKeys + ["ssh-ed25519-cert-v01@openssh.com"],
    ciphers: ["aes256-gcm@openssh.com", "aes128-gcm@openssh.com"] + sharedCiphers,
    macs: ["hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"] + sharedMACs)
}
