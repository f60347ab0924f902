import Planning

/// The etcd step kinds, replacing the described placeholders of the same names. One kind per file
/// in `Kinds/`; their scripts are in `EtcdScripts`.
public enum EtcdKinds {
  public static func all(_ inputs: EtcdInputs) -> [String: any StepKind] {
    let kinds: [any StepKind] = [
      EtcdBinaryKind(inputs: inputs), EtcdCertsKind(inputs: inputs), EtcdUnitKind(), EtcdMemberKind(inputs: inputs),
      EtcdJoinKind(inputs: inputs), EtcdRemoveKind(inputs: inputs), EtcdHealthGateKind(inputs: inputs),
      EtcdSnapshotKind(inputs: inputs), EtcdUpgradeMemberKind(inputs: inputs), EtcdRestoreKind(inputs: inputs),
      EtcdRestartKind(),
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }
}
