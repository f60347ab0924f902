import Crypto
import Foundation

/// An OpenSSH known_hosts file: plain, `[host]:port` and hashed (`|1|salt|hmac`) entries.
/// Lookups follow OpenSSH's rules: a non-22 port only matches `[host]:port` patterns.
public struct KnownHosts: Sendable {
  public struct Entry: Sendable, Equatable {
    public var patterns: [String]  // empty when hashed
    public var hashed: (salt: [UInt8], hash: [UInt8])?
    public var keyType: String
    public var keyBase64: String
    public var revoked: Bool
    public var line: Int

    public static func == (a: Entry, b: Entry) -> Bool {
      a.patterns == b.patterns && a.keyType == b.keyType && a.keyBase64 == b.keyBase64 && a.line == b.line
    }
  }

  public private(set) var entries: [Entry] = []

  public init(entries: [Entry] = []) { self.entries = entries }

  /// Reads a file; a missing file is an empty set of entries.
  public init(path: String) throws {
    let text = FileManager.default.fileExists(atPath: path) ? try String(contentsOfFile: path, encoding: .utf8) : ""
    self.init(text: text)
  }

  public init(text: String) {
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      var fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      var revoked = false
      if fields.first?.hasPrefix("@") == true {
        let marker = fields.removeFirst()
        if marker == "@cert-authority" { continue }  // CA entries are not host keys
        revoked = marker == "@revoked"
      }
      guard fields.count >= 3 else { continue }
      var entry = Entry(
        patterns: [], hashed: nil, keyType: fields[1], keyBase64: fields[2], revoked: revoked, line: i + 1)
      if fields[0].hasPrefix("|1|") {
        let parts = fields[0].split(separator: "|")
        guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
          let hash = Data(base64Encoded: String(parts[2]))
        else { continue }
        entry.hashed = ([UInt8](salt), [UInt8](hash))
      } else {
        entry.patterns = fields[0].split(separator: ",").map(String.init)
      }
      entries.append(entry)
    }
  }

  /// The name OpenSSH records for a host and port.
  public static func hostName(_ host: String, port: Int) -> String {
    port == 22 ? host : "[\(host)]:\(port)"
  }

  /// Entries for this host and port (revoked ones included; callers must refuse those).
  public func entries(host: String, port: Int) -> [Entry] {
    let name = Self.hostName(host, port: port)
    return entries.filter { entry in
      if let (salt, hash) = entry.hashed {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Array(mac) == hash
      }
      var matched = false
      for pattern in entry.patterns {
        let negated = pattern.hasPrefix("!")
        let body = negated ? String(pattern.dropFirst()) : pattern
        if Self.glob(body.lowercased(), name.lowercased()) {
          if negated { return false }
          matched = true
        }
      }
      return matched
    }
  }

  public func contains(host: String, port: Int) -> Bool {
    entries(host: host, port: port).contains { !$0.revoked }
  }

  /// The line OpenSSH would append for a newly accepted key.
  public static func line(host: String, port: Int, keyType: String, keyBase64: String) -> String {
    "\(hostName(host, port: port)) \(keyType) \(keyBase64)"
  }

  /// `SHA256:…` as `ssh-keygen -l` prints it.
  public static func fingerprint(keyBase64: String) -> String? {
    guard let blob = Data(base64Encoded: keyBase64) else { return nil }
    let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
    return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
  }

  /// `*` and `?` wildcards, as in known_hosts patterns.
  static func glob(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern), t = Array(text)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
      if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
        pi += 1
        ti += 1
      } else if pi < p.count, p[pi] == "*" {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
