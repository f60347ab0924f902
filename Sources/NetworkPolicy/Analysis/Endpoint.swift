/// One end of a connection: a workload, or a range of external addresses.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    case workload(Workload)
    case external(IPRange)
  }
  public var kind: Kind

  public init(_ kind: Kind) { self.kind = kind }

  /// `ns/name[Kind]` or `0.0.0.0-9.255.255.255[External]`.
  public var description: String {
    switch kind {
    case .workload(let w): w.id
    case .external(let r): "\(r)[External]"
    }
  }

  public var isExternal: Bool {
    if case .external = kind { return true }
    return false
  }

  public var workload: Workload? {
    if case .workload(let w) = kind { return w }
    return nil
  }

  public static func < (a: Endpoint, b: Endpoint) -> Bool { a.description < b.description }
}

/// One allowed connection: a line of `netpol list`.
public struct Connection: Hashable, Sendable {
  public var source: Endpoint
  public var destination: Endpoint
  public var connections: ConnectionSet

  public init(source: Endpoint, destination: Endpoint, connections: ConnectionSet) {
    self.source = source
    self.destination = destination
    self.connections = connections
  }

  /// `SRC => DST : CONNS`.
  public var line: String { "\(source) => \(destination) : \(connections)" }
}
