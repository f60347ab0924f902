import Inventory
import Planning

/// Where etcd lives on a member, and how members address each other. One place, so the unit, the
/// steps and the health checks never disagree; the paths hardening audits too come from
/// `Inventory.EtcdPaths`, which both modules see.
public struct EtcdLayout: Sendable {
  public static let pkiDirectory = EtcdPaths.pkiDirectory
  public static let dataDirectory = EtcdPaths.dataDirectory
  public static let unitName = EtcdPaths.unitName
  public static let unitPath = EtcdPaths.unitPath
  public static let clientPort = 2379
  public static let peerPort = 2380
  public static let metricsURL = "http://127.0.0.1:2381"
  /// ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_STATE, written when the member is created.
  public static let initialClusterFile = "/etc/etcd/initial-cluster.env"
  /// Where a member records the cluster revision just before an upgrade restarts it.
  public static let revisionMark = "/var/lib/bulwark/etcd-revision-before-restart"

  public let version: Version
  public let clusterName: String
  /// The members, in inventory order.
  public let members: [ClusterHost]

  public init(_ inv: Inventory) {
    self.init(inv, members: inv.etcdMembers)
  }

  /// For a step kind: the members from the plan's topology, not a scan of the fleet per host.
  public init(_ c: ExpansionContext) {
    self.init(c.inventory, members: c.topology.etcdMembers)
  }

  init(_ inv: Inventory, members: [ClusterHost]) {
    version = inv.versions.etcd
    clusterName = inv.name
    self.members = members
  }

  public var binaryDirectory: String { Self.binaryDirectory(for: version) }
  /// Where the binaries of `version` live: each version has its own, so an upgrade can roll back.
  public static func binaryDirectory(for version: Version) -> String { "/opt/bulwark/etcd/v\(version)" }
  public var etcd: String { "\(binaryDirectory)/etcd" }
  public var etcdctl: String { "\(binaryDirectory)/etcdctl" }

  public static func urlHost(_ host: ClusterHost) -> String {
    if case .ip(let ip) = host.address, ip.description.contains(":") { return "[\(ip)]" }
    return host.address.description
  }
  public static func clientURL(_ host: ClusterHost) -> String { "https://\(urlHost(host)):\(clientPort)" }
  public static func peerURL(_ host: ClusterHost) -> String { "https://\(urlHost(host)):\(peerPort)" }
  /// A member's client URL from its peer URL (same host, the client port), for members the
  /// inventory no longer names.
  public static func clientURL(forPeerURL peer: String) -> String {
    peer.hasSuffix(":\(peerPort)") ? String(peer.dropLast("\(peerPort)".count)) + "\(clientPort)" : peer
  }

  public var initialCluster: String { members.map { "\($0.name)=\(Self.peerURL($0))" }.joined(separator: ",") }
  public var clientEndpoints: String { members.map(Self.clientURL).joined(separator: ",") }

  /// Files in the PKI directory.
  public enum PKIFile: String, CaseIterable, Sendable {
    case ca = "ca.crt"
    case serverCert = "server.crt", serverKey = "server.key"
    case peerCert = "peer.crt", peerKey = "peer.key"
    case healthcheckCert = "healthcheck-client.crt", healthcheckKey = "healthcheck-client.key"
    /// The five hardening audits too come from `EtcdPaths`; the health-check pair is Etcd's alone.
    public var path: String {
      switch self {
      case .ca: EtcdPaths.caCertificate
      case .serverCert: EtcdPaths.serverCertificate
      case .serverKey: EtcdPaths.serverKey
      case .peerCert: EtcdPaths.peerCertificate
      case .peerKey: EtcdPaths.peerKey
      case .healthcheckCert, .healthcheckKey: "\(EtcdLayout.pkiDirectory)/\(rawValue)"
      }
    }
  }

  /// etcdctl on a member, over TLS with the health-check client certificate. API v3 is explicit
  /// because etcdctl 3.4 still needs it.
  public func etcdctl(_ arguments: [String], endpoints: String? = nil) -> [String] {
    [
      "env", "ETCDCTL_API=3", etcdctl, "--endpoints=\(endpoints ?? clientEndpoints)",
      "--cacert=\(PKIFile.ca.path)", "--cert=\(PKIFile.healthcheckCert.path)", "--key=\(PKIFile.healthcheckKey.path)",
      "--dial-timeout=3s", "--command-timeout=5s",
    ] + arguments
  }
}
