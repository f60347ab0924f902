import Planning

/// The etcd binaries of the inventory's version, uploaded from the artifact cache into their own
/// versioned directory.
struct EtcdBinaryKind: StepKind {
  let name = "etcd.binary"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c)
    var drafts = [StepDraft("bin-dir", "directory \(layout.binaryDirectory) (0755 root:root)", action: .create,
      .directory(path: layout.binaryDirectory, mode: 0o755, owner: "root", group: "root"))]
    for binary in EtcdArtifacts.binaries(for: layout.version) {
      let local = inputs.binaries[binary] ?? LocalArtifact(path: "(missing)/\(binary)", sha256: nil)
      drafts.append(StepDraft(binary, "\(binary) \(layout.version) from \(local.path) (sha256 \(local.shortDigest))",
        action: .create,
        .upload(source: local.path, path: "\(layout.binaryDirectory)/\(binary)", sha256: local.sha256, mode: 0o755,
          owner: "root", group: "root")))
    }
    return drafts
  }
}
