import Crypto
import Foundation
import Support
import SwiftASN1
import X509

/// Certificates and keys in the local state dir, one directory per authority:
/// `ROOT/AUTHORITY/ca.{crt,key}` and `ROOT/AUTHORITY/NAME.{crt,key}`. Directories are 0700, keys
/// 0600, certificates 0644. A valid certificate is never regenerated; an existing CA is never
/// replaced (an unreadable one is an error, not a reason to start over).
public struct PKIStore: Sendable {
  public let root: String

  public init(root: String) { self.root = root }

  /// Where one leaf lives, and what it holds now (or will hold, once reconciled with `write`).
  public struct Leaf: Sendable {
    public var spec: CertificateSpec
    public var certificatePath: String
    public var keyPath: String
    public var state: LeafState
    /// sha256 of the files as they are (after a write), nil when absent.
    public var certificateSHA256: String?
    public var keySHA256: String?
    public var notValidAfter: Date?
  }

  public enum LeafState: Sendable, Equatable {
    /// Valid, signed by the CA, matching the spec, and not due for renewal.
    case current
    /// Absent, or due for (re)issue for `reason`. With `write`, it has just been issued.
    case issue(reason: String)
  }

  public struct AuthorityReport: Sendable {
    public var name: String
    public var certificatePath: String
    public var certificateSHA256: String?
    /// The CA was created by this call, or (without `write`) would be.
    public var created: Bool
    public var leaves: [Leaf]

    public init(name: String, certificatePath: String, certificateSHA256: String?, created: Bool, leaves: [Leaf]) {
      self.name = name
      self.certificatePath = certificatePath
      self.certificateSHA256 = certificateSHA256
      self.created = created
      self.leaves = leaves
    }
  }

  func directory(_ authority: String) -> String { "\(root)/\(authority)" }

  /// Brings `authority` and its leaves in line with `specs`. Without `write` it only reports.
  public func reconcile(
    authority: String, commonName: String, specs: [CertificateSpec], policy: PKIPolicy = .standard,
    now: Date = Date(), write: Bool
  ) throws -> AuthorityReport {
    let dir = directory(authority)
    let caCertPath = "\(dir)/ca.crt", caKeyPath = "\(dir)/ca.key"
    var ca: CertificateAuthority?
    var created = false
    if FileManager.default.fileExists(atPath: caCertPath) || FileManager.default.fileExists(atPath: caKeyPath) {
      do {
        ca = try CertificateAuthority(certificatePEM: try read(caCertPath), keyPEM: try read(caKeyPath))
      } catch let e as PKIError {
        throw e
      } catch {
        throw PKIError(.unreadable, "cannot load the \(authority) CA from \(dir): \(error)")
      }
    } else {
      created = true
      if write {
        let new = try CertificateAuthority.create(commonName: commonName, days: policy.authorityDays, now: now)
        try makeDirectory(dir)
        try store(try new.certificate.serializeAsPEM().pemString + "\n", at: caCertPath, mode: 0o644)
        try store(new.keyPEM + "\n", at: caKeyPath, mode: 0o600)
        ca = new
      }
    }

    var leaves: [Leaf] = []
    for spec in specs {
      let certPath = "\(dir)/\(spec.name).crt", keyPath = "\(dir)/\(spec.name).key"
      var leaf = Leaf(spec: spec, certificatePath: certPath, keyPath: keyPath, state: .current)
      let reason = ca.map { staleness(of: spec, certPath: certPath, keyPath: keyPath, ca: $0, policy: policy, now: now) }
        ?? "the CA is new"
      if let reason {
        leaf.state = .issue(reason: reason)
        if write, let ca {
          let issued = try ca.issue(spec, days: policy.leafDays, now: now)
          try makeDirectory((certPath as NSString).deletingLastPathComponent)
          try store(issued.keyPEM + "\n", at: keyPath, mode: 0o600)
          try store(try issued.certificate.serializeAsPEM().pemString + "\n", at: certPath, mode: 0o644)
        }
      }
      if FileManager.default.fileExists(atPath: certPath), reason == nil || write {
        leaf.certificateSHA256 = try digest(certPath)
        leaf.keySHA256 = try digest(keyPath)
        leaf.notValidAfter = (try? Certificate(pemEncoded: read(certPath)))?.notValidAfter
      }
      leaves.append(leaf)
    }
    let caDigest = FileManager.default.fileExists(atPath: caCertPath) ? try digest(caCertPath) : nil
    return AuthorityReport(name: authority, certificatePath: caCertPath, certificateSHA256: caDigest, created: created,
      leaves: leaves)
  }

  /// The pin kubeadm's discovery checks (`caCertHashes`): `sha256:` and the hex SHA-256 of the
  /// certificate's SubjectPublicKeyInfo.
  public func publicKeyPin(ofCertificate path: String) throws -> String {
    let cert = try Certificate(pemEncoded: try read(path))
    guard let key = P256.Signing.PublicKey(cert.publicKey) else {
      throw PKIError(.unreadable, "\(path): only P-256 authorities are pinned")
    }
    return "sha256:" + hexString(SHA256.hash(data: key.derRepresentation))
  }

  /// Why the leaf at these paths must be (re)issued, or nil when it is current.
  func staleness(
    of spec: CertificateSpec, certPath: String, keyPath: String, ca: CertificateAuthority, policy: PKIPolicy, now: Date
  ) -> String? {
    guard let certText = try? read(certPath), let keyText = try? read(keyPath) else { return "absent" }
    guard let cert = try? Certificate(pemEncoded: certText) else { return "unreadable certificate" }
    guard let key = try? P256.Signing.PrivateKey(pemRepresentation: keyText),
      cert.publicKey == Certificate.PublicKey(key.publicKey)
    else { return "the key does not match the certificate" }
    guard ca.signed(cert) else { return "not signed by this CA" }
    let wanted = CertificateFacts(spec), actual = CertificateFacts(cert)
    if wanted.names != actual.names { return "names changed: \(actual.names.sorted()) -> \(wanted.names.sorted())" }
    if wanted.usages != actual.usages || actual.commonName != spec.commonName { return "subject or usage changed" }
    let daysLeft = Int(cert.notValidAfter.timeIntervalSince(now) / 86_400)
    if daysLeft < policy.renewBeforeDays { return "expires in \(daysLeft) days (renewal under \(policy.renewBeforeDays))" }
    return nil
  }

  // MARK: listing

  /// One certificate found under the root, for `bulwark certs`.
  public struct Listing: Sendable {
    public var path: String
    public var commonName: String
    public var isAuthority: Bool
    public var notValidAfter: Date
  }

  /// Every certificate under the root, sorted by path.
  public func list() throws -> [Listing] {
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var found: [Listing] = []
    for case let relative as String in walker where relative.hasSuffix(".crt") {
      let path = "\(root)/\(relative)"
      guard let cert = try? Certificate(pemEncoded: read(path)) else {
        throw PKIError(.unreadable, "\(path) is not a PEM certificate")
      }
      found.append(Listing(path: path, commonName: CertificateFacts(cert).commonName,
        isAuthority: CertificateFacts.isAuthority(cert),
        notValidAfter: cert.notValidAfter))
    }
    return found.sorted { $0.path < $1.path }
  }

  // MARK: files

  func read(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PKIError(.unreadable, "cannot read \(path)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  func digest(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw PKIError(.unreadable, "cannot read \(path)") }
    return hexString(SHA256.hash(data: data))
  }

  func makeDirectory(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    } catch {
      throw PKIError(.writeFailed, "cannot create \(path): \(error.localizedDescription)")
    }
  }

  /// Writes atomically: a temporary file created with the final mode, then renamed.
  func store(_ text: String, at path: String, mode: mode_t) throws {
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw PKIError(.writeFailed, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    fchmod(fd, mode)
    let synced = fsync(fd) == 0
    close(fd)
    guard written == bytes.count, synced, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw PKIError(.writeFailed, "cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }
}

/// The parts of a certificate a spec decides, for comparison.
struct CertificateFacts: Equatable {
  var commonName: String
  var names: Set<String>
  var usages: Set<CertificateSpec.Usage>

  init(_ spec: CertificateSpec) {
    commonName = spec.commonName
    names = Set(spec.dnsNames.map { "DNS:\($0)" } + spec.ipAddresses.map { "IP:\(IPBytes.parse($0).map { IPBytes.format($0[...]) } ?? $0)" })
    usages = spec.usages
  }

  init(_ cert: Certificate) {
    commonName = cert.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }
      .map { String(describing: $0.value) } ?? ""
    var names = Set<String>()
    let sans: SubjectAlternativeNames? = (try? cert.extensions.subjectAlternativeNames) ?? nil
    for name in sans.map(Array.init) ?? [] {
      switch name {
      case .dnsName(let d): names.insert("DNS:\(d)")
      case .ipAddress(let ip): names.insert("IP:\(IPBytes.format(ip.bytes))")
      default: continue
      }
    }
    self.names = names
    var usages = Set<CertificateSpec.Usage>()
    let ekus: ExtendedKeyUsage? = (try? cert.extensions.extendedKeyUsage) ?? nil
    for usage in ekus.map(Array.init) ?? [] {
      if usage == .serverAuth { usages.insert(.server) }
      if usage == .clientAuth { usages.insert(.client) }
    }
    self.usages = usages
  }

  static func isAuthority(_ cert: Certificate) -> Bool {
    let constraints: BasicConstraints? = (try? cert.extensions.basicConstraints) ?? nil
    if case .isCertificateAuthority = constraints { return true }
    return false
  }
}
