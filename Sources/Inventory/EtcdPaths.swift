/// Where etcd keeps its files on a member. They live here, in a module both Etcd and Hardening see,
/// so the unit and certificates Etcd installs and the hardening checks that audit them (E1, E4, E7,
/// E8 to E10, E13) name the same paths from one source.
public enum EtcdPaths {
  public static let pkiDirectory = "/etc/etcd/pki"
  public static let dataDirectory = "/var/lib/etcd"
  public static let unitName = "etcd.service"
  public static let unitPath = "/etc/systemd/system/" + unitName
  /// The etcd-only CA (E7): members trust no other.
  public static let caCertificate = pkiDirectory + "/ca.crt"
  public static let serverCertificate = pkiDirectory + "/server.crt"
  public static let serverKey = pkiDirectory + "/server.key"
  public static let peerCertificate = pkiDirectory + "/peer.crt"
  public static let peerKey = pkiDirectory + "/peer.key"
}
