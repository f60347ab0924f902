import Crypto
import Foundation
import KnownHosts
import Remote
@testable import SSH
import Testing

/// The host-key policy without sshd or root: known_hosts text goes through the real parser and
/// lookup (`KnownHosts.entries(host:port:)`, which does the hashed and `[host]:port` matching), then
/// `HostKeyDecision.decide` gives the verdict the session acts on.
@Suite struct HostKeyDecisionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var knownHosts: [String] = []
    var host = "10.0.0.5"
    var port = 22
    var policy: SSHHostConfig.HostKeyPolicy = .strict
    var pin: String? = nil
    var offered: OfferedHostKey = ed
    var expected: HostKeyVerdict
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    // Known keys.
    Case(name: "a plain entry with the offered key", knownHosts: [line("10.0.0.5", ed)], expected: .accept),
    Case(name: "a [host]:port entry on another port", knownHosts: [line("[10.0.0.5]:2222", ed)], port: 2222,
      expected: .accept),
    Case(name: "a glob pattern among several", knownHosts: [line("web1,10.0.0.*", ed)], expected: .accept),
    Case(name: "a hashed entry", knownHosts: [hashed("10.0.0.5", ed)], expected: .accept),
    Case(name: "a hashed [host]:port entry", knownHosts: [hashed("[10.0.0.5]:2222", ed)], port: 2222,
      expected: .accept),
    Case(name: "the offered key among several types", knownHosts: [line("10.0.0.5", ecdsa), line("10.0.0.5", ed)],
      expected: .accept),
    Case(name: "known keys are accepted under accept-new without recording", knownHosts: [line("10.0.0.5", ed)],
      policy: .acceptNew, expected: .accept),

    // Changed keys.
    Case(name: "another key of the same type", knownHosts: [line("10.0.0.5", edOther)],
      expected: .reject(.mismatch(line: 1, keyType: "ssh-ed25519", keyBase64: edOther.keyBase64))),
    Case(name: "only another key type is known", knownHosts: ["# a comment", line("10.0.0.5", ecdsa)],
      expected: .reject(.mismatch(line: 2, keyType: ecdsa.keyType, keyBase64: ecdsa.keyBase64))),
    Case(name: "a hashed entry with another key", knownHosts: [hashed("10.0.0.5", edOther)],
      expected: .reject(.mismatch(line: 1, keyType: "ssh-ed25519", keyBase64: edOther.keyBase64))),
    Case(name: "the mismatch names the first live entry, past revoked ones",
      knownHosts: [line("other", ed), "@revoked 10.0.0.5 \(ecdsa.keyType) \(ecdsa.keyBase64)", line("10.0.0.5", edOther)],
      expected: .reject(.mismatch(line: 3, keyType: "ssh-ed25519", keyBase64: edOther.keyBase64))),
    Case(name: "the key type must match, not just the blob",
      knownHosts: ["10.0.0.5 ecdsa-sha2-nistp256 \(ed.keyBase64)"],
      expected: .reject(.mismatch(line: 1, keyType: "ecdsa-sha2-nistp256", keyBase64: ed.keyBase64))),
    Case(name: "accept-new refuses a changed key", knownHosts: [line("10.0.0.5", edOther)], policy: .acceptNew,
      expected: .reject(.mismatch(line: 1, keyType: "ssh-ed25519", keyBase64: edOther.keyBase64))),

    // Unknown hosts.
    Case(name: "strict with no entry", knownHosts: [line("10.0.0.6", ed)], expected: .reject(.unknown)),
    Case(name: "strict with an empty file", expected: .reject(.unknown)),
    Case(name: "a portless entry does not vouch for another port", knownHosts: [line("10.0.0.5", ed)], port: 2222,
      expected: .reject(.unknown)),
    Case(name: "a hashed entry for another name", knownHosts: [hashed("10.0.0.6", ed)], expected: .reject(.unknown)),
    Case(name: "a negated pattern excludes the host", knownHosts: [line("10.0.0.*,!10.0.0.5", ed)],
      expected: .reject(.unknown)),
    Case(name: "a @cert-authority line vouches for no host key",
      knownHosts: ["@cert-authority 10.0.0.5 \(ed.keyType) \(ed.keyBase64)"], expected: .reject(.unknown)),
    Case(name: "accept-new records an unknown host's key", policy: .acceptNew, expected: .acceptAndRecord),
    Case(name: "accept-new records when only another key was revoked",
      knownHosts: ["@revoked 10.0.0.5 \(edOther.keyType) \(edOther.keyBase64)"], policy: .acceptNew,
      expected: .acceptAndRecord),
    Case(name: "strict with only another key revoked", knownHosts: ["@revoked 10.0.0.5 \(edOther.keyType) \(edOther.keyBase64)"],
      expected: .reject(.unknown)),

    // Revoked keys.
    Case(name: "a revoked key is refused even when also listed",
      knownHosts: [line("10.0.0.5", ed), "@revoked 10.0.0.5 \(ed.keyType) \(ed.keyBase64)"], expected: .reject(.revoked)),
    Case(name: "accept-new does not record a revoked key", knownHosts: ["@revoked 10.0.0.5 \(ed.keyType) \(ed.keyBase64)"],
      policy: .acceptNew, expected: .reject(.revoked)),
    Case(name: "a hashed revoked entry", knownHosts: ["@revoked " + hashed("10.0.0.5", ed)], expected: .reject(.revoked)),

    // Pinned keys: the pin alone decides.
    Case(name: "the pinned key", policy: .pinned, pin: "ssh-ed25519 \(ed.keyBase64)", expected: .accept),
    Case(name: "a pin with a comment and extra spaces", policy: .pinned, pin: "ssh-ed25519   \(ed.keyBase64) root@web1",
      expected: .accept),
    Case(name: "a pin wins over a known_hosts mismatch", knownHosts: [line("10.0.0.5", edOther)], policy: .pinned,
      pin: "ssh-ed25519 \(ed.keyBase64)", expected: .accept),
    Case(name: "a pin is not checked against @revoked lines",
      knownHosts: ["@revoked 10.0.0.5 \(ed.keyType) \(ed.keyBase64)"], policy: .pinned, pin: "ssh-ed25519 \(ed.keyBase64)",
      expected: .accept),
    Case(name: "another pinned key", knownHosts: [line("10.0.0.5", ed)], policy: .pinned,
      pin: "ssh-ed25519 \(edOther.keyBase64)",
      expected: .reject(.wrongPin(keyType: "ssh-ed25519", keyBase64: edOther.keyBase64))),
    Case(name: "the pinned blob under another type", policy: .pinned, pin: "ecdsa-sha2-nistp256 \(ed.keyBase64)",
      expected: .reject(.wrongPin(keyType: "ecdsa-sha2-nistp256", keyBase64: ed.keyBase64))),
    Case(name: "pinned without a pin", knownHosts: [line("10.0.0.5", ed)], policy: .pinned, expected: .reject(.noPin)),
    Case(name: "a pin without a key", policy: .pinned, pin: "ssh-ed25519", expected: .reject(.noPin)),
    Case(name: "an empty pin", policy: .pinned, pin: "", expected: .reject(.noPin)),
  ]

  @Test(arguments: cases)
  func verdict(_ c: Case) {
    let entries = KnownHosts(text: c.knownHosts.joined(separator: "\n")).entries(host: c.host, port: c.port)
    let verdict = HostKeyDecision.decide(offered: c.offered, policy: c.policy, pinnedHostKey: c.pin, entries: entries)
    #expect(verdict == c.expected)
  }

  /// The hashed cases above must really be hashed, or they would only repeat the plain ones.
  @Test func hashedLinesAreParsedAsHashed() {
    let entries = KnownHosts(text: hashed("10.0.0.5", ed)).entries(host: "10.0.0.5", port: 22)
    #expect(entries.count == 1)
    #expect(entries.first?.hashed != nil && entries.first?.patterns == [])
  }

  /// A bastion is checked as its own hop: `SSHTransport` gives it its own address, port and pin, and
  /// one known_hosts file holds both hosts' lines.
  @Test func aBastionHopIsCheckedAgainstItsOwnEntry() {
    let both = KnownHosts(text: [line("10.0.0.5", ed), line("[192.0.2.1]:2200", bastionKey)].joined(separator: "\n"))
    let targetOnly = KnownHosts(text: line("10.0.0.5", ed))
    let bastionEntries = both.entries(host: "192.0.2.1", port: 2200)
    #expect(HostKeyDecision.decide(offered: bastionKey, policy: .strict, pinnedHostKey: nil, entries: bastionEntries) == .accept)
    #expect(HostKeyDecision.decide(offered: ed, policy: .strict, pinnedHostKey: nil, entries: bastionEntries)
      == .reject(.mismatch(line: 2, keyType: "ssh-ed25519", keyBase64: bastionKey.keyBase64)),
      "the target's key does not vouch for the bastion")
    #expect(HostKeyDecision.decide(offered: bastionKey, policy: .strict, pinnedHostKey: nil,
      entries: targetOnly.entries(host: "192.0.2.1", port: 2200)) == .reject(.unknown),
      "a known target does not make its bastion known")
    #expect(HostKeyDecision.decide(offered: ed, policy: .strict, pinnedHostKey: nil,
      entries: both.entries(host: "10.0.0.5", port: 22)) == .accept)
    // Under the pinned policy the bastion needs its own pin; the target's does not carry over.
    #expect(HostKeyDecision.decide(offered: bastionKey, policy: .pinned, pinnedHostKey: nil, entries: []) == .reject(.noPin))
    #expect(HostKeyDecision.decide(offered: bastionKey, policy: .pinned,
      pinnedHostKey: "\(bastionKey.keyType) \(bastionKey.keyBase64)", entries: []) == .accept)
  }

  @Test func theOfferedKeyIsReadFromTheWireBlob() {
    #expect(ed.keyType == "ssh-ed25519")
    #expect(ed.keyBase64 == Data(blob("ssh-ed25519", 1)).base64EncodedString())
    #expect(ed.fingerprint == "SHA256:" + Data(SHA256.hash(data: blob("ssh-ed25519", 1))).base64EncodedString()
      .replacingOccurrences(of: "=", with: ""))
    #expect(OfferedHostKey(blob: [0, 0, 0]).keyType == "unknown", "too short")
    #expect(OfferedHostKey(blob: [0, 0, 0, 0, 1]).keyType == "unknown", "empty type")
    #expect(OfferedHostKey(blob: [0, 0, 0, 9, 0x61]).keyType == "unknown", "a length past the end")
    #expect(OfferedHostKey(keyType: "ssh-ed25519", keyBase64: "not base64!").fingerprint == "?")
  }

  // MARK: The errors a refusal becomes

  @Test func refusalsBecomeTypedErrorsThatNameBothKeys() {
    func error(_ r: HostKeyRejection, port: Int = 2222) -> RemoteError {
      r.error(offered: ed, host: "web1", address: "10.0.0.5", port: port, knownHostsPath: "/kh")
    }
    let e = ed.fingerprint, other = edOther.fingerprint
    #expect(error(.unknown) == RemoteError(.hostKeyUnknown, host: "web1",
      "unknown host key for [10.0.0.5]:2222: ssh-ed25519 \(e); check the fingerprint out of band, then add it: ssh-keyscan -p 2222 -t ssh-ed25519 10.0.0.5 >> /kh (or pin it as ssh.hostKey)"))
    #expect(error(.unknown, port: 22).message.hasPrefix("unknown host key for 10.0.0.5: "))
    #expect(error(.noPin) == RemoteError(.hostKeyUnknown, host: "web1",
      "no pinned host key for [10.0.0.5]:2222; the server offers ssh-ed25519 \(e)"))
    #expect(error(.wrongPin(keyType: "ssh-ed25519", keyBase64: edOther.keyBase64)) == RemoteError(.hostKeyMismatch, host: "web1",
      "HOST KEY MISMATCH for [10.0.0.5]:2222: pinned ssh-ed25519 \(other), server offers ssh-ed25519 \(e); refusing to connect"))
    #expect(error(.revoked) == RemoteError(.hostKeyMismatch, host: "web1",
      "the host key \(e) of [10.0.0.5]:2222 is revoked in /kh"))
    #expect(error(.mismatch(line: 7, keyType: "ssh-ed25519", keyBase64: edOther.keyBase64)) == RemoteError(.hostKeyMismatch, host: "web1",
      "HOST KEY MISMATCH for [10.0.0.5]:2222: /kh line 7 has ssh-ed25519 \(other), server offers ssh-ed25519 \(e); refusing to connect (if the host was rebuilt, remove the old line after checking)"))
  }
}

// MARK: Keys and known_hosts lines

/// A public-key blob shaped as the wire carries it: the type, then 32 bytes standing in for the key.
private func blob(_ type: String, _ seed: UInt8) -> [UInt8] {
  func sshString(_ bytes: [UInt8]) -> [UInt8] {
    let n = UInt32(bytes.count)
    return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
  }
  return sshString(Array(type.utf8)) + sshString([UInt8](repeating: seed, count: 32))
}

private let ed = OfferedHostKey(blob: blob("ssh-ed25519", 1))
private let edOther = OfferedHostKey(blob: blob("ssh-ed25519", 2))
private let ecdsa = OfferedHostKey(blob: blob("ecdsa-sha2-nistp256", 3))
private let bastionKey = OfferedHostKey(blob: blob("ssh-ed25519", 4))

private func line(_ patterns: String, _ key: OfferedHostKey) -> String { "\(patterns) \(key.keyType) \(key.keyBase64)" }

/// A hashed line as `ssh-keygen -H` writes it: `|1|salt|HMAC-SHA1(salt, name)`.
private func hashed(_ name: String, _ key: OfferedHostKey) -> String {
  let salt = [UInt8](repeating: 0x5a, count: 20)
  let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
  return "|1|\(Data(salt).base64EncodedString())|\(Data(mac).base64EncodedString()) \(key.keyType) \(key.keyBase64)"
}
