import Inventory
import PKI

/// The etcd CA's certificates: server and peer per member, and the clients. The CA is used by etcd
/// only (HARDENING.md E7).
public enum EtcdCertificates {
  public static let authority = "etcd"

  public static func caCommonName(_ cluster: String) -> String { "bulwark etcd CA (\(cluster))" }

  public static func serverName(_ host: ClusterHost) -> String { "members/\(host.name)-server" }
  public static func peerName(_ host: ClusterHost) -> String { "members/\(host.name)-peer" }
  public static let healthcheckName = "clients/healthcheck"
  public static let apiserverName = "clients/apiserver-etcd-client"
  public static let bulwarkName = "clients/bulwark"

  public static func specs(_ layout: EtcdLayout) -> [CertificateSpec] {
    var specs: [CertificateSpec] = []
    for host in layout.members {
      var dns = [host.name, "localhost"]
      var ips = ["127.0.0.1", "::1"]
      switch host.address {
      case .ip(let ip): ips.insert(ip.description, at: 0)
      case .dns(let name): dns.insert(name, at: 1)
      }
      // Peers dial each other as clients too, so both carry serverAuth and clientAuth.
      specs.append(CertificateSpec(name: serverName(host), commonName: host.name, dnsNames: dns, ipAddresses: ips,
        usages: [.server, .client]))
      specs.append(CertificateSpec(name: peerName(host), commonName: host.name, dnsNames: dns, ipAddresses: ips,
        usages: [.server, .client]))
    }
    specs.append(CertificateSpec(name: healthcheckName, commonName: "bulwark-etcd-healthcheck", usages: [.client]))
    specs.append(CertificateSpec(name: apiserverName, commonName: "kube-apiserver-etcd-client", usages: [.client]))
    specs.append(CertificateSpec(name: bulwarkName, commonName: "bulwark", usages: [.client]))
    return specs
  }
}
