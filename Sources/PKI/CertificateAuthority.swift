import Crypto
import Foundation
import SwiftASN1
import X509

/// A P-256 certificate authority: its certificate and signing key. Issues leaves; never leaves the
/// controller (only its certificate is copied to hosts).
public struct CertificateAuthority: Sendable {
  public let certificate: Certificate
  let key: P256.Signing.PrivateKey

  /// A new self-signed CA: BasicConstraints CA (path length 0), keyCertSign and cRLSign.
  public static func create(commonName: String, days: Int, now: Date) throws -> CertificateAuthority {
    let key = P256.Signing.PrivateKey()
    let name = try DistinguishedName {
      OrganizationName("bulwark")
      CommonName(commonName)
    }
    let publicKey = Certificate.PublicKey(key.publicKey)
    let extensions = try Certificate.Extensions {
      Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
      Critical(KeyUsage(keyCertSign: true, cRLSign: true))
      SubjectKeyIdentifier(hash: publicKey)
    }
    let certificate = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: publicKey,
      notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
      issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
      issuerPrivateKey: .init(key))
    return CertificateAuthority(certificate: certificate, key: key)
  }

  public init(certificate: Certificate, key: P256.Signing.PrivateKey) {
    self.certificate = certificate
    self.key = key
  }

  /// Loads a CA from PEM text, refusing a key that does not belong to the certificate.
  public init(certificatePEM: String, keyPEM: String) throws {
    let certificate = try Certificate(pemEncoded: certificatePEM)
    let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
    guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
      throw PKIError(.authorityMismatch, "the CA key does not match the CA certificate")
    }
    self.init(certificate: certificate, key: key)
  }

  public var keyPEM: String { key.pemRepresentation }

  /// Issues a leaf for `spec`, with a fresh P-256 key (PKCS#8 PEM, which etcd's Go TLS reads).
  public func issue(_ spec: CertificateSpec, days: Int, now: Date) throws -> (certificate: Certificate, keyPEM: String) {
    let key = P256.Signing.PrivateKey()
    let publicKey = Certificate.PublicKey(key.publicKey)
    let subject = try DistinguishedName {
      if let o = spec.organization { OrganizationName(o) }
      CommonName(spec.commonName)
    }
    var names: [GeneralName] = spec.dnsNames.map { .dnsName($0) }
    for address in spec.ipAddresses {
      guard let bytes = IPBytes.parse(address) else {
        throw PKIError(.invalidAddress, "\(spec.name): \"\(address)\" is not an IP address")
      }
      names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
    }
    var purposes: [ExtendedKeyUsage.Usage] = []
    if spec.usages.contains(.server) { purposes.append(.serverAuth) }
    if spec.usages.contains(.client) { purposes.append(.clientAuth) }
    let authorityKeyID = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
    let extensions = try Certificate.Extensions {
      Critical(BasicConstraints.notCertificateAuthority)
      Critical(KeyUsage(digitalSignature: true))
      try ExtendedKeyUsage(purposes)
      SubjectKeyIdentifier(hash: publicKey)
      AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
      if !names.isEmpty { SubjectAlternativeNames(names) }
    }
    let leaf = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: publicKey,
      notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
      issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
      issuerPrivateKey: .init(self.key))
    return (leaf, key.pemRepresentation)
  }

  /// Did this CA sign `leaf`?
  public func signed(_ leaf: Certificate) -> Bool {
    leaf.issuer == certificate.subject && certificate.publicKey.isValidSignature(leaf.signature, for: leaf)
  }
}

/// IP address text to the raw bytes a SAN carries.
enum IPBytes {
  static func parse(_ text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
    return nil
  }

  static func format(_ bytes: ArraySlice<UInt8>) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let family = bytes.count == 4 ? AF_INET : AF_INET6
    let ok = Array(bytes).withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, 64) } != nil
    guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
