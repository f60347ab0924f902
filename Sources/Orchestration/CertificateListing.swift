import Etcd
import Foundation
import Inventory
import PKI

/// Every certificate of the cluster's etcd PKI in the state dir, its expiry, and what the next
/// apply does with it. Read-only: nothing is issued.
public enum CertificateListing {
  public struct Entry: Sendable, Hashable {
    public var name: String
    public var subject: String
    public var expires: Date?
    /// keep, create, or `issue (why)`.
    public var nextApply: String
  }

  public static func list(_ inv: Inventory, state: StateDirectory) throws(OperationError) -> [Entry] {
    let store = PKIStore(root: state.pki)
    let report: PKIStore.AuthorityReport
    do {
      report = try store.reconcile(authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
        specs: EtcdCertificates.specs(EtcdLayout(inv)), write: false)
    } catch {
      throw OperationError(.failed, .stateDirectory, "\(error)")
    }
    let listing = (try? store.list()) ?? []
    var entries: [Entry] = []
    if let ca = listing.first(where: { $0.path == report.certificatePath }) {
      entries.append(Entry(name: "etcd/ca", subject: ca.commonName, expires: ca.notValidAfter, nextApply: "keep"))
    } else {
      entries.append(Entry(name: "etcd/ca", subject: EtcdCertificates.caCommonName(inv.name), expires: nil, nextApply: "create"))
    }
    for leaf in report.leaves {
      let action: String
      switch leaf.state {
      case .current: action = "keep"
      case .issue(let reason): action = "issue (\(reason))"
      }
      let expiry = leaf.notValidAfter ?? listing.first { $0.path == leaf.certificatePath }?.notValidAfter
      entries.append(Entry(name: "etcd/\(leaf.spec.name)", subject: leaf.spec.commonName, expires: expiry, nextApply: action))
    }
    return entries
  }
}
