import PKI
import Planning

extension EtcdInputs {
  /// Inputs that name nothing real: for reading the kinds' names, never for a plan that runs.
  public static let placeholder = EtcdInputs(
    binaries: [:],
    pki: PKIStore.AuthorityReport(name: "etcd", certificatePath: "-", certificateSHA256: nil, created: false, leaves: []),
    facts: .fresh, snapshotPath: "-")
}
