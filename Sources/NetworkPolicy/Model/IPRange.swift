/// An address family: external ranges of one family never mix with the other's.
public enum IPFamily: Int, Sendable, Hashable, Comparable {
  case v4 = 4, v6 = 6
  public static func < (a: IPFamily, b: IPFamily) -> Bool { a.rawValue < b.rawValue }
  /// The largest address of the family.
  public var maxAddress: UInt128 { self == .v4 ? UInt128(UInt32.max) : UInt128.max }
  public var bits: Int { self == .v4 ? 32 : 128 }
}

/// A closed range of addresses of one family. External endpoints are such ranges, split at every
/// ipBlock boundary so each one is wholly inside or wholly outside every `cidr` and `except`.
public struct IPRange: Hashable, Sendable, Comparable, CustomStringConvertible {
  public var family: IPFamily
  public var low: UInt128
  public var high: UInt128

  public init(family: IPFamily, low: UInt128, high: UInt128) {
    self.family = family
    self.low = low
    self.high = high
  }

  public static func whole(_ family: IPFamily) -> IPRange { IPRange(family: family, low: 0, high: family.maxAddress) }

  public func contains(_ other: IPRange) -> Bool {
    family == other.family && low <= other.low && other.high <= high
  }

  public func contains(_ address: IPAddress) -> Bool {
    family == address.family && low <= address.value && address.value <= high
  }

  public static func < (a: IPRange, b: IPRange) -> Bool {
    (a.family, a.low, a.high) < (b.family, b.low, b.high)
  }

  /// `10.0.0.0-10.255.255.255`, as roxctl prints external ranges.
  public var description: String {
    "\(IPAddress(family: family, value: low))-\(IPAddress(family: family, value: high))"
  }

  /// Parses `description`'s form, a CIDR, or one address.
  public init?(parsing text: String) {
    if text.contains("/") {
      guard let cidr = try? CIDR(parsing: text) else { return nil }
      self = cidr.range
      return
    }
    let ends = text.split(separator: "-", maxSplits: 1).map(String.init)
    guard let low = ends.first.flatMap(IPAddress.init(parsing:)),
          let high = (ends.count == 2 ? IPAddress(parsing: ends[1]) : low),
          low.family == high.family, low.value <= high.value
    else { return nil }
    self.init(family: low.family, low: low.value, high: high.value)
  }

  /// The fewest CIDRs whose union is exactly this range (for writing ipBlocks).
  public var cidrs: [CIDR] {
    var out: [CIDR] = []
    var start = low
    while true {
      // The largest aligned block starting at `start` that does not pass `high`.
      var size = family.bits
      while size > 0 {
        let blockBits = family.bits - size + 1
        let mask: UInt128 = blockBits >= 128 ? UInt128.max : (UInt128(1) << UInt128(blockBits)) - 1
        if start & mask != 0 { break }
        if start | mask > high { break }
        size -= 1
      }
      let hostBits = family.bits - size
      let span: UInt128 = hostBits >= 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1
      out.append(CIDR(address: IPAddress(family: family, value: start), prefix: size))
      let end = start | span
      if end >= high { return out }
      start = end + 1
    }
  }
}

/// One IPv4 or IPv6 address as a number.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
  public var family: IPFamily
  public var value: UInt128

  public init(family: IPFamily, value: UInt128) {
    self.family = family
    self.value = value
  }

  public init?(parsing text: String) {
    if text.contains(":") {
      guard let v = Self.parseV6(text) else { return nil }
      self.init(family: .v6, value: v)
    } else {
      let parts = text.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count == 4 else { return nil }
      var v: UInt128 = 0
      for p in parts {
        guard (1...3).contains(p.count), p.allSatisfy(\.isASCII), let octet = UInt8(p),
              p.count == 1 || p.first != "0"
        else { return nil }
        v = v << 8 | UInt128(octet)
      }
      self.init(family: .v4, value: v)
    }
  }

  public var description: String {
    if family == .v4 {
      return (0..<4).reversed().map { String((value >> UInt128($0 * 8)) & 0xFF) }.joined(separator: ".")
    }
    let groups = (0..<8).reversed().map { UInt16(truncatingIfNeeded: value >> UInt128($0 * 16)) }
    // The longest run of two or more zero groups becomes "::".
    var best = (start: -1, length: 0), run = (start: -1, length: 0)
    for (i, g) in groups.enumerated() {
      if g == 0 {
        run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
        if run.length > best.length { best = run }
      } else {
        run = (-1, 0)
      }
    }
    let hex = groups.map { String($0, radix: 16) }
    guard best.length >= 2 else { return hex.joined(separator: ":") }
    let head = hex[..<best.start].joined(separator: ":")
    let tail = hex[(best.start + best.length)...].joined(separator: ":")
    return head + "::" + tail
  }

  private static func parseV6(_ text: String) -> UInt128? {
    let halves = text.components(separatedBy: "::")
    guard halves.count <= 2 else { return nil }
    func groups(_ s: String) -> [UInt16]? {
      if s.isEmpty { return [] }
      var out: [UInt16] = []
      for g in s.split(separator: ":", omittingEmptySubsequences: false) {
        guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
        out.append(v)
      }
      return out
    }
    guard let head = groups(halves[0]) else { return nil }
    var all = head
    if halves.count == 2 {
      guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
      all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
    guard all.count == 8 else { return nil }
    return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
  }
}

/// A CIDR block such as `10.0.0.0/8`. Host bits may be set, as Kubernetes accepts; they are ignored.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
  public var address: IPAddress
  public var prefix: Int

  public init(address: IPAddress, prefix: Int) {
    self.address = address
    self.prefix = prefix
  }

  public enum ParseError: Error, Equatable { case notCIDR(String) }

  public init(parsing text: String) throws(ParseError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = IPAddress(parsing: String(parts[0])),
          parts[1].allSatisfy(\.isASCII), let prefix = Int(parts[1]), (0...address.family.bits).contains(prefix)
    else { throw .notCIDR(text) }
    self.init(address: address, prefix: prefix)
  }

  public var range: IPRange {
    let hostBits = address.family.bits - prefix
    let span: UInt128 = hostBits >= 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1
    let low = address.value & ~span & address.family.maxAddress
    return IPRange(family: address.family, low: low, high: low | span)
  }

  public var description: String { "\(IPAddress(family: address.family, value: range.low))/\(prefix)" }
}
