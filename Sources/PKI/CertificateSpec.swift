/// What one leaf certificate must say. The PKI store issues, keeps or renews certificates to match.
public struct CertificateSpec: Sendable, Hashable {
  public enum Usage: String, Sendable, Hashable, Codable { case server, client }

  /// The file stem under the authority's directory: `members/lab1-server`.
  public var name: String
  public var commonName: String
  public var organization: String?
  public var dnsNames: [String]
  /// IPv4 or IPv6 addresses, as text.
  public var ipAddresses: [String]
  public var usages: Set<Usage>

  public init(
    name: String, commonName: String, organization: String? = nil, dnsNames: [String] = [],
    ipAddresses: [String] = [], usages: Set<Usage>
  ) {
    self.name = name
    self.commonName = commonName
    self.organization = organization
    self.dnsNames = dnsNames
    self.ipAddresses = ipAddresses
    self.usages = usages
  }
}

/// Lifetimes and the renewal threshold.
public struct PKIPolicy: Sendable {
  public var authorityDays: Int
  public var leafDays: Int
  /// A certificate with fewer days left than this is renewed.
  public var renewBeforeDays: Int

  public init(authorityDays: Int = 3650, leafDays: Int = 365, renewBeforeDays: Int = 90) {
    self.authorityDays = authorityDays
    self.leafDays = leafDays
    self.renewBeforeDays = renewBeforeDays
  }
  public static let standard = PKIPolicy()
}
