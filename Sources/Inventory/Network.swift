#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An IPv4 or IPv6 address as raw bytes (4 or 16).
public struct IPAddress: Hashable, Sendable, TextCodable {
  public let bytes: [UInt8]
  public let text: String

  public init?(_ text: String) {
    var v4 = in_addr()
    var v6 = in6_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
      bytes = withUnsafeBytes(of: &v4) { Array($0) }
    } else if inet_pton(AF_INET6, text, &v6) == 1 {
      bytes = withUnsafeBytes(of: &v6) { Array($0) }
    } else {
      return nil
    }
    self.text = text
  }

  public var isIPv4: Bool { bytes.count == 4 }
  public var description: String { text }

}

/// An address range such as 10.244.0.0/16.
public struct CIDR: Hashable, Sendable, TextCodable {
  public let network: IPAddress
  public let prefix: Int

  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = Int(parts[1]),
      prefix >= 0, prefix <= address.bytes.count * 8
    else { return nil }
    self.network = address
    self.prefix = prefix
  }

  /// The one address as a range of one: /32 or /128.
  public init(host address: IPAddress) {
    network = address
    prefix = address.bytes.count * 8
  }

  public var description: String { "\(network)/\(prefix)" }

  public func contains(_ address: IPAddress) -> Bool {
    guard address.bytes.count == network.bytes.count else { return false }
    return Self.samePrefix(network.bytes, address.bytes, bits: prefix)
  }

  public func overlaps(_ other: CIDR) -> Bool {
    guard other.network.bytes.count == network.bytes.count else { return false }
    return Self.samePrefix(network.bytes, other.network.bytes, bits: min(prefix, other.prefix))
  }

  static func samePrefix(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
    var remaining = bits, i = 0
    while remaining > 0 {
      let take = min(8, remaining)
      let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
      if a[i] & mask != b[i] & mask { return false }
      remaining -= take
      i += 1
    }
    return true
  }

}

/// A host's address: an IP, or a DNS name that is resolved at connect time.
public enum HostAddress: Hashable, Sendable, TextCodable {
  case ip(IPAddress)
  case dns(String)

  public init?(_ text: String) {
    if let ip = IPAddress(text) {
      self = .ip(ip)
    } else if Self.isDNSName(text) {
      self = .dns(text.lowercased())
    } else {
      return nil
    }
  }

  public var ip: IPAddress? { if case .ip(let a) = self { a } else { nil } }
  public var description: String {
    switch self {
    case .ip(let a): a.text
    case .dns(let n): n
    }
  }

  /// RFC 1123 host names; an all-numeric dotted name (a mistyped IPv4) is refused.
  static func isDNSName(_ text: String) -> Bool {
    guard !text.isEmpty, text.utf8.count <= 253 else { return false }
    let labels = text.split(separator: ".", omittingEmptySubsequences: false)
    for label in labels {
      guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-",
        label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
      else { return false }
    }
    return !(labels.last!.allSatisfy(\.isNumber))
  }

}

/// A release version such as v1.31.2 or 3.5.1 (a leading "v" is accepted and dropped).
public struct Version: Hashable, Sendable, Comparable, TextCodable {
  public let major: Int, minor: Int, patch: Int

  public init?(_ text: String) {
    let trimmed = text.hasPrefix("v") ? String(text.dropFirst()) : text
    let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]),
      a >= 0, b >= 0, c >= 0
    else { return nil }
    (major, minor, patch) = (a, b, c)
  }

  public var description: String { "\(major).\(minor).\(patch)" }
  public static func < (l: Version, r: Version) -> Bool {
    (l.major, l.minor, l.patch) < (r.major, r.minor, r.patch)
  }
}

/// A value written as text in YAML and JSON: parsed by `init?(_:)`, printed by `description`.
public protocol TextCodable: Codable, CustomStringConvertible {
  init?(_ text: String)
}

extension TextCodable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Self(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "cannot read \(text)"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}
