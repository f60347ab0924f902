import Support

/// A container port with a name, which a policy may refer to instead of a number.
public struct NamedPort: Hashable, Sendable, Comparable {
  public var name: String
  public var proto: L4Protocol
  public var port: Int
  public init(name: String, proto: L4Protocol, port: Int) {
    self.name = name
    self.proto = proto
    self.port = port
  }
  public static func < (a: NamedPort, b: NamedPort) -> Bool { (a.name, a.proto, a.port) < (b.name, b.proto, b.port) }
}

/// One workload as the analysis sees it: a pod template's labels and named ports in a namespace.
/// A Deployment, a StatefulSet, a bare Pod (or the owner a pod names) are each one workload.
public struct Workload: Hashable, Sendable {
  public var namespace: String
  public var name: String
  public var kind: String
  public var labels: [String: String]
  public var namedPorts: [NamedPort]
  /// Where the object that defines the workload starts.
  public var source: SourceLocation?

  public init(namespace: String, name: String, kind: String, labels: [String: String] = [:],
              namedPorts: [NamedPort] = [], source: SourceLocation? = nil) {
    self.namespace = namespace
    self.name = name
    self.kind = kind
    self.labels = labels
    self.namedPorts = namedPorts.sorted()
    self.source = source
  }

  /// `namespace/name[Kind]`, the form every report uses.
  public var id: String { "\(namespace)/\(name)[\(kind)]" }
}

/// A namespace's labels, always including `kubernetes.io/metadata.name`, which the API server sets.
public struct Namespace: Hashable, Sendable {
  public static let nameLabel = "kubernetes.io/metadata.name"
  public var name: String
  public var labels: [String: String]
  public var source: SourceLocation?

  public init(name: String, labels: [String: String] = [:], source: SourceLocation? = nil) {
    self.name = name
    var l = labels
    l[Self.nameLabel] = name
    self.labels = l
    self.source = source
  }
}
