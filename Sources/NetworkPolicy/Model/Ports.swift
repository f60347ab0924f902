import Foundation
import Support

/// The layer-4 protocols a NetworkPolicy port can name. Sorted by name, which is the order they are printed in.
public enum L4Protocol: String, CaseIterable, Sendable, Hashable, Comparable, Codable {
  case sctp = "SCTP", tcp = "TCP", udp = "UDP"
  public static func < (a: L4Protocol, b: L4Protocol) -> Bool { a.rawValue < b.rawValue }
}

/// A set of ports 1...65535 as sorted, disjoint, non-adjacent closed ranges: unions and intersections
/// are linear merges, and equal sets have equal representations, so they hash and compare cheaply.
public struct PortSet: Hashable, Sendable {
  public static let allPorts: ClosedRange<Int> = 1...65535
  public private(set) var ranges: [ClosedRange<Int>]

  public init(_ ranges: [ClosedRange<Int>] = []) {
    self.ranges = Self.normalise(ranges)
  }

  public static let empty = PortSet()
  public static let all = PortSet([allPorts])

  public var isEmpty: Bool { ranges.isEmpty }
  public var isAll: Bool { ranges == [Self.allPorts] }

  public func contains(_ port: Int) -> Bool {
    ranges.contains { $0.contains(port) }
  }

  public func union(_ other: PortSet) -> PortSet {
    if other.isEmpty || isAll { return self }
    if isEmpty || other.isAll { return other }
    return PortSet(ranges + other.ranges)
  }

  public func intersection(_ other: PortSet) -> PortSet {
    if isEmpty || other.isAll { return self }
    if other.isEmpty || isAll { return other }
    var out: [ClosedRange<Int>] = []
    var i = 0, j = 0
    while i < ranges.count && j < other.ranges.count {
      let a = ranges[i], b = other.ranges[j]
      let low = max(a.lowerBound, b.lowerBound), high = min(a.upperBound, b.upperBound)
      if low <= high { out.append(low...high) }
      if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
    }
    var result = PortSet()
    result.ranges = out
    return result
  }

  /// The ports in `self` that are not in `other`.
  public func subtracting(_ other: PortSet) -> PortSet {
    var out: [ClosedRange<Int>] = []
    for r in ranges {
      var low = r.lowerBound
      for o in other.ranges where o.upperBound >= low && o.lowerBound <= r.upperBound {
        if o.lowerBound > low { out.append(low...(o.lowerBound - 1)) }
        low = o.upperBound + 1
        if low > r.upperBound { break }
      }
      if low <= r.upperBound { out.append(low...r.upperBound) }
    }
    var result = PortSet()
    result.ranges = out
    return result
  }

  private static func normalise(_ input: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    let clamped = input.compactMap { r -> ClosedRange<Int>? in
      let low = max(r.lowerBound, allPorts.lowerBound), high = min(r.upperBound, allPorts.upperBound)
      return low <= high ? low...high : nil
    }
    return mergedRanges(clamped)
  }
}

/// Which connections are allowed between two endpoints: a port set per protocol.
/// This is the value of one line of `netpol list` ("All Connections", "TCP 80,UDP 53").
public struct ConnectionSet: Hashable, Sendable {
  public private(set) var byProtocol: [PortSet]  // indexed by L4Protocol.allCases order

  public init() { byProtocol = Array(repeating: .empty, count: L4Protocol.allCases.count) }

  public static let none = ConnectionSet()
  public static let all: ConnectionSet = {
    var c = ConnectionSet()
    for p in L4Protocol.allCases { c[p] = .all }
    return c
  }()

  /// One protocol's ports.
  public static func ports(_ proto: L4Protocol, _ ports: PortSet) -> ConnectionSet {
    var c = ConnectionSet()
    c[proto] = ports
    return c
  }

  public subscript(_ proto: L4Protocol) -> PortSet {
    get { byProtocol[Self.index(proto)] }
    set { byProtocol[Self.index(proto)] = newValue }
  }

  public var isEmpty: Bool { byProtocol.allSatisfy(\.isEmpty) }
  public var isAll: Bool { byProtocol.allSatisfy(\.isAll) }

  public func contains(_ proto: L4Protocol, port: Int) -> Bool { self[proto].contains(port) }

  public func union(_ other: ConnectionSet) -> ConnectionSet { combine(other) { $0.union($1) } }
  public func intersection(_ other: ConnectionSet) -> ConnectionSet { combine(other) { $0.intersection($1) } }
  public func subtracting(_ other: ConnectionSet) -> ConnectionSet { combine(other) { $0.subtracting($1) } }

  private func combine(_ other: ConnectionSet, _ f: (PortSet, PortSet) -> PortSet) -> ConnectionSet {
    var c = ConnectionSet()
    for i in byProtocol.indices { c.byProtocol[i] = f(byProtocol[i], other.byProtocol[i]) }
    return c
  }

  private static func index(_ proto: L4Protocol) -> Int {
    switch proto {
    case .sctp: 0
    case .tcp: 1
    case .udp: 2
    }
  }
}

extension ConnectionSet: CustomStringConvertible {
  /// roxctl's form: `All Connections`, `No Connections`, or `TCP 80,TCP 8000-8080,UDP 53` (protocols by name,
  /// ranges ascending; a whole protocol is `TCP 1-65535`).
  public var description: String {
    if isAll { return "All Connections" }
    if isEmpty { return "No Connections" }
    var parts: [String] = []
    for proto in L4Protocol.allCases {
      for r in self[proto].ranges {
        parts.append(r.lowerBound == r.upperBound ? "\(proto.rawValue) \(r.lowerBound)"
                                                  : "\(proto.rawValue) \(r.lowerBound)-\(r.upperBound)")
      }
    }
    return parts.joined(separator: ",")
  }

  /// Parses `description`'s form back (intent files). Nil when a part is not `PROTO PORT[-PORT]` or `PROTO`.
  public init?(parsing text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed == "All Connections" { self = .all; return }
    self.init()
    if trimmed == "No Connections" { return }
    for part in trimmed.split(separator: ",") {
      let words = part.split(separator: " ", omittingEmptySubsequences: true)
      guard let first = words.first, let proto = L4Protocol(rawValue: String(first).uppercased()), words.count <= 2
      else { return nil }
      guard words.count == 2 else { self[proto] = .all; continue }
      let bounds = words[1].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
      guard (1...2).contains(bounds.count), let low = bounds[0], let high = bounds.last ?? nil,
            PortSet.allPorts.contains(low), PortSet.allPorts.contains(high), low <= high
      else { return nil }
      self[proto] = self[proto].union(PortSet([low...high]))
    }
  }
}
