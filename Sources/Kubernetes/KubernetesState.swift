import Crypto
import Etcd
import Foundation
import Inventory
import PKI
import Planning
import Support

/// The controller's Kubernetes secrets, in the state dir (`STATE/kubernetes`, 0700; files 0600):
/// the bootstrap token, the certificate key, the secretbox key (inside the EncryptionConfiguration,
/// identical on every control plane) and the VRRP pass. The files that carry them (kubeadm
/// configurations, keepalived's) are rendered here too, so a plan names them by sha256 and never
/// holds a secret. The Kubernetes CA lives beside the etcd CA in `STATE/pki/kubernetes`.
public struct KubernetesState: Sendable {
  public let root: String
  public let pkiRoot: String
  public init(stateDirectory: String) {
    root = stateDirectory + "/kubernetes"
    pkiRoot = stateDirectory + "/pki"
  }

  public static let caAuthority = "kubernetes"

  /// Files the steps upload, by name: `token`, `certificate-key`, `encryption-config`,
  /// `kubeadm/HOST`, `keepalived/HOST`, `ca.crt`, `ca.key`, `kubelet-serving/HOST.crt|key`. A nil sha256 means the file does not
  /// exist yet (planning without `write`).
  public struct Files: Sendable {
    public var artifacts: [String: LocalArtifact]
    /// True when the CA or a secret would be made by this run.
    public var created: Bool
    public init(artifacts: [String: LocalArtifact], created: Bool) {
      self.artifacts = artifacts
      self.created = created
    }
    public subscript(_ name: String) -> LocalArtifact {
      artifacts[name] ?? LocalArtifact(path: "(state dir)/kubernetes/\(name)", sha256: nil)
    }
  }

  /// Makes what is missing (with `write`) and renders every secret-bearing file; without `write`
  /// it only reports what exists.
  public func prepare(_ inv: Inventory, write: Bool) throws -> Files {
    let pki = PKIStore(root: pkiRoot)
    let ca = try pki.reconcile(authority: Self.caAuthority, commonName: "kubernetes", specs: Self.kubeletServingSpecs(inv), write: write)
    var created = ca.created
    var out: [String: LocalArtifact] = [:]
    for leaf in ca.leaves {
      let host = String(leaf.spec.name.dropFirst(Self.kubeletServingPrefix.count))
      out[Self.kubeletServingFile(host, key: false)] = LocalArtifact(path: leaf.certificatePath, sha256: leaf.certificateSHA256)
      out[Self.kubeletServingFile(host, key: true)] = LocalArtifact(path: leaf.keyPath, sha256: leaf.keySHA256)
      if case .issue = leaf.state { created = true }
    }
    let caKey = (ca.certificatePath as NSString).deletingLastPathComponent + "/ca.key"
    out["ca.crt"] = LocalArtifact(path: ca.certificatePath, sha256: ca.certificateSHA256)
    out["ca.key"] = LocalArtifact(path: caKey, sha256: ca.certificateSHA256 == nil ? nil : try LocalDigest.sha256(ofFile: caKey))

    func secret(_ name: String, _ make: () -> String) throws -> String? {
      let path = "\(root)/\(name)"
      if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
        out[name] = LocalArtifact(path: path, sha256: try LocalDigest.sha256(ofFile: path))
        return existing
      }
      created = true
      guard write else {
        out[name] = LocalArtifact(path: path, sha256: nil)
        return nil
      }
      let value = make()
      try store(value, at: path)
      out[name] = LocalArtifact(path: path, sha256: try LocalDigest.sha256(ofFile: path))
      return value
    }
    let token = try secret("token") { Self.randomToken() }
    let certificateKey = try secret("certificate-key") { Self.randomHex(bytes: 32) }
    _ = try secret("encryption-config") {
      Policies.encryptionConfiguration(keyBase64: Data(Self.randomBytes(32)).base64EncodedString())
    }
    let vrrpPass = try secret("vrrp-pass") { Self.randomHex(bytes: 4) }

    // Files rendered from the secrets: rewritten only when their content changes.
    func rendered(_ name: String, _ content: String?) throws {
      let path = "\(root)/\(name)"
      guard let content else {
        out[name] = LocalArtifact(path: path, sha256: nil)
        return
      }
      if write, (try? String(contentsOfFile: path, encoding: .utf8)) != content { try store(content, at: path) }
      let exists = FileManager.default.fileExists(atPath: path)
      let current = exists ? try String(contentsOfFile: path, encoding: .utf8) : nil
      out[name] = LocalArtifact(path: path, sha256: current == content ? try LocalDigest.sha256(ofFile: path) : nil)
    }
    let pin = ca.certificateSHA256 == nil ? nil : try pki.publicKeyPin(ofCertificate: ca.certificatePath)
    let credentials: JoinCredentials? = token.flatMap { t in
      certificateKey.flatMap { k in pin.map { JoinCredentials(token: t, caCertHash: $0, certificateKey: k) } }
    }
    let config = KubeadmConfig(inv)
    for (i, host) in inv.hosts(with: .controlPlane).enumerated() {
      try rendered("kubeadm/\(host.name).yaml", credentials.map {
        i == 0 ? config.initConfiguration(for: host, credentials: $0) : config.joinConfiguration(for: host, controlPlane: true, credentials: $0)
      })
    }
    for host in inv.hosts(with: .worker) where !host.has(.controlPlane) {
      try rendered("kubeadm/\(host.name).yaml", credentials.map { config.joinConfiguration(for: host, controlPlane: false, credentials: $0) })
    }
    let carriers = APIEndpointConfig.vipCarriers(inv)
    if let interface = inv.endpoint?.interface {
      for host in carriers {
        try rendered("keepalived/\(host.name).conf", vrrpPass.map {
          APIEndpointConfig.keepalived(inv, for: host, carriers: carriers, interface: interface, authPass: $0)
        })
      }
    }
    return Files(artifacts: out, created: created)
  }

  static let kubeletServingPrefix = "kubelets/"

  /// The name under `Files` of a node's kubelet serving certificate (or its key).
  public static func kubeletServingFile(_ host: String, key: Bool) -> String {
    "kubelet-serving/\(host).\(key ? "key" : "crt")"
  }

  /// One serving certificate per node, as the kubelet's own serving CSR would ask
  /// (`system:node:NAME` in `system:nodes`, the node's name and address), issued by Bulwark's
  /// Kubernetes CA: only the inventory's names and addresses are ever signed.
  public static func kubeletServingSpecs(_ inv: Inventory) -> [CertificateSpec] {
    inv.hosts.filter { $0.has(.controlPlane) || $0.has(.worker) }.map { host in
      var dns = [host.name], ips: [String] = []
      switch host.address {
      case .ip(let ip): ips.append(ip.description)
      case .dns(let name): if name != host.name { dns.append(name) }
      }
      return CertificateSpec(name: kubeletServingPrefix + host.name, commonName: "system:node:\(host.name)",
        organization: "system:nodes", dnsNames: dns, ipAddresses: ips, usages: [.server])
    }
  }

  func store(_ text: String, at path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let temporary = path + ".partial"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
      throw KubernetesStateError(.unwritable, "cannot write \(temporary)")
    }
    if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    try FileManager.default.moveItem(atPath: temporary, toPath: path)
  }

  static func randomBytes(_ n: Int) -> [UInt8] {
    var g = SystemRandomNumberGenerator()
    return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
  }

  static func randomHex(bytes: Int) -> String { hexString(randomBytes(bytes)) }

  /// A kubeadm bootstrap token: `[a-z0-9]{6}.[a-z0-9]{16}`.
  static func randomToken() -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    var g = SystemRandomNumberGenerator()
    func part(_ n: Int) -> String { String((0..<n).map { _ in alphabet.randomElement(using: &g)! }) }
    return part(6) + "." + part(16)
  }
}

public enum KubernetesStateFailure {}
public typealias KubernetesStateError = CodedError<KubernetesStateFailure>
extension ErrorCode where Domain == KubernetesStateFailure {
  public static let unwritable = Self("state-unwritable")
}
