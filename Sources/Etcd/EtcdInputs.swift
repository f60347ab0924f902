import PKI
import Planning

/// What the etcd kinds need besides the inventory: the local files they upload. Gathered before
/// planning (artifact cache, PKI state dir), so the planner stays pure.
public struct EtcdInputs: Sendable {
  public var binaries: [String: LocalArtifact]
  public var pki: PKIStore.AuthorityReport
  /// What the hosts said before planning; `.fresh` for new hosts.
  public var facts: EtcdClusterFacts
  /// Where a snapshot taken by this run goes, on the controller.
  public var snapshotPath: String
  /// For restore: the snapshot to restore, with its sha256.
  public var restoreFrom: LocalArtifact?

  public init(
    binaries: [String: LocalArtifact], pki: PKIStore.AuthorityReport, facts: EtcdClusterFacts, snapshotPath: String,
    restoreFrom: LocalArtifact? = nil
  ) {
    self.binaries = binaries
    self.pki = pki
    self.facts = facts
    self.snapshotPath = snapshotPath
    self.restoreFrom = restoreFrom
  }

  func leaf(_ name: String) -> PKIStore.Leaf? { pki.leaves.first { $0.spec.name == name } }
}
