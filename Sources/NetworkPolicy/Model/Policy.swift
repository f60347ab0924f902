import Support

/// One `networking.k8s.io/v1` NetworkPolicy, validated and with its defaults applied.
public struct Policy: Hashable, Sendable {
  public var namespace: String
  public var name: String
  /// Which pods in `namespace` the policy selects (empty: all of them).
  public var podSelector: LabelSelector
  /// `policyTypes` after defaulting: Ingress always, Egress only when the policy has an egress section.
  public var coversIngress: Bool
  public var coversEgress: Bool
  public var ingress: [PolicyRule]
  public var egress: [PolicyRule]
  public var source: SourceLocation?

  public init(namespace: String, name: String, podSelector: LabelSelector = .everything,
              coversIngress: Bool = true, coversEgress: Bool = false,
              ingress: [PolicyRule] = [], egress: [PolicyRule] = [], source: SourceLocation? = nil) {
    self.namespace = namespace
    self.name = name
    self.podSelector = podSelector
    self.coversIngress = coversIngress
    self.coversEgress = coversEgress
    self.ingress = ingress
    self.egress = egress
    self.source = source
  }

  /// `namespace/name`.
  public var id: String { "\(namespace)/\(name)" }
}

/// One ingress or egress rule: traffic is allowed when a peer matches AND a port matches.
/// No peers means every peer (pods and external addresses); no ports means every port.
public struct PolicyRule: Hashable, Sendable {
  public var peers: [Peer]
  public var ports: [PortSpec]
  public var source: SourceLocation?

  public init(peers: [Peer] = [], ports: [PortSpec] = [], source: SourceLocation? = nil) {
    self.peers = peers
    self.ports = ports
    self.source = source
  }
}

/// A `from` or `to` entry.
public enum Peer: Hashable, Sendable {
  /// Pods matching `pods` in namespaces matching `namespaces`. A nil `namespaces` means the policy's own
  /// namespace; a nil `pods` means every pod of the selected namespaces.
  case pods(pods: LabelSelector?, namespaces: LabelSelector?)
  /// External addresses in `cidr` but in none of `except`.
  case ipBlock(cidr: CIDR, except: [CIDR])
}

/// A `ports` entry: a protocol and a number, a named container port, or a numeric range.
public struct PortSpec: Hashable, Sendable {
  public enum Port: Hashable, Sendable {
    case number(Int)
    case named(String)
  }
  public var proto: L4Protocol
  /// Nil: every port of `proto`.
  public var port: Port?
  public var endPort: Int?

  public init(proto: L4Protocol = .tcp, port: Port? = nil, endPort: Int? = nil) {
    self.proto = proto
    self.port = port
    self.endPort = endPort
  }
}

/// Everything read from a set of manifests, with each object's position.
public struct Manifests: Sendable {
  public var workloads: [Workload]
  public var namespaces: [Namespace]
  public var policies: [Policy]

  public init(workloads: [Workload] = [], namespaces: [Namespace] = [], policies: [Policy] = []) {
    self.workloads = workloads
    self.namespaces = namespaces
    self.policies = policies
  }
}
