import Planning

/// The member's systemd unit (`EtcdUnit`), 0600 root.
struct EtcdUnitKind: StepKind {
  let name = "etcd.unit"
  let parameters: [ParameterSpec] = []

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c)
    return [StepDraft("unit", "\(EtcdLayout.unitPath): etcd \(layout.version), client and peer TLS with client-cert auth, metrics on 127.0.0.1 (0600 root)",
      action: .create,
      .file(path: EtcdLayout.unitPath, content: EtcdUnit.render(for: c.host, in: layout), mode: 0o600, owner: "root",
        group: "root"))]
  }
}
