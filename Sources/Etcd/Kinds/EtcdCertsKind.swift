import Foundation
import PKI
import Planning

/// The etcd CA and this member's server, peer and health-check certificates and keys, uploaded from
/// the PKI state dir (keys 0600).
struct EtcdCertsKind: StepKind {
  let name = "etcd.certs"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    typealias F = EtcdLayout.PKIFile
    let host = c.host
    var drafts: [StepDraft] = []
    func add(_ file: F, local: String, sha256: String?, secret: Bool, owner: String, note: String) {
      drafts.append(StepDraft(file.rawValue.replacingOccurrences(of: ".", with: "-"), "\(file.path): \(note)",
        action: .create,
        .upload(source: local, path: file.path, sha256: sha256, mode: secret ? 0o600 : 0o644, owner: owner, group: owner)))
    }
    add(.ca, local: inputs.pki.certificatePath, sha256: inputs.pki.certificateSHA256, secret: false, owner: "etcd",
      note: inputs.pki.created ? "the new etcd CA" : "the etcd CA")
    let pairs: [(String, F, F, String)] = [
      (EtcdCertificates.serverName(host), .serverCert, .serverKey, "etcd"),
      (EtcdCertificates.peerName(host), .peerCert, .peerKey, "etcd"),
      (EtcdCertificates.healthcheckName, .healthcheckCert, .healthcheckKey, "root"),
    ]
    for (name, cert, key, owner) in pairs {
      guard let leaf = inputs.leaf(name) else { continue }
      let note: String
      switch leaf.state {
      case .current: note = "\(leaf.spec.commonName), valid until \(leaf.notValidAfter.map { "\($0)".prefix(10) } ?? "?")"
      case .issue(let reason): note = "\(leaf.spec.commonName), new certificate (\(reason))"
      }
      add(cert, local: leaf.certificatePath, sha256: leaf.certificateSHA256, secret: false, owner: owner, note: note)
      add(key, local: leaf.keyPath, sha256: leaf.keySHA256, secret: true, owner: owner, note: "its key")
    }
    return drafts
  }
}
