import Planning

/// containerd and the kubelet: the runtime with its configuration, and the Kubernetes binaries
/// with the kubelet's unit and kubeadm's drop-in.
extension KubernetesKinds {
  /// containerd exactly at the inventory's version: from the artifact cache's packages when the
  /// inventory names them (`KubernetesArtifacts.resolve` refuses a cache without that version),
  /// otherwise from the host's repositories, which refuse when they do not offer it. "Installed"
  /// is the version the containerd on PATH reports, so a second apply does nothing.
  static func containerRuntime(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let version = c.inventory.versions.containerd
    let named = version.map { "containerd \($0)" } ?? "containerd"
    let installed = sh(KubernetesScripts.containerdInstalled(version: version))
    var drafts: [StepDraft] = []
    if i.artifacts.containerdPackages.isEmpty {
      let script = version.map { KubernetesScripts.installContainerdFromRepositories(host: c.host.name, version: $0) }
        ?? KubernetesScripts.installAnyContainerdFromRepositories()
      drafts.append(StepDraft("install", "\(named) from the host's package repositories", action: .run,
        .command(argv: sh(script), unless: installed)))
    } else {
      var remote: [String] = []
      drafts.append(StepDraft("packages-dir", "directory \(KubernetesPaths.packages)", action: .create,
        .directory(path: KubernetesPaths.packages, mode: 0o700, owner: "root", group: "root")))
      for package in i.artifacts.containerdPackages {
        let name = String(package.path.split(separator: "/").last ?? "")
        let path = "\(KubernetesPaths.packages)/\(name)"
        remote.append(path)
        drafts.append(StepDraft("package", "\(name) from the artifact cache (sha256 \(package.shortDigest))", action: .create,
          .upload(source: package.path, path: path, sha256: package.sha256, mode: 0o644, owner: "root", group: "root")))
      }
      drafts.append(StepDraft("install", "install \(named) from those packages (dpkg)", action: .run,
        .command(argv: ["dpkg", "-i"] + remote, unless: installed)))
    }
    let config = NodeFiles.containerdConfig(sandboxImage: NodeFiles.sandboxImage(c.inventory), containerd: version)
    let schema = ContainerdRelease.configVersion(major: version?.major ?? 1).map { "config version \($0)" } ?? "config"
    drafts += [
      StepDraft("config", "\(NodeFiles.containerdConfigPath): \(schema), SystemdCgroup = true, sandbox \(NodeFiles.sandboxImage(c.inventory))",
        action: .create, .file(path: NodeFiles.containerdConfigPath, content: config, mode: 0o644, owner: "root", group: "root")),
      StepDraft("crictl", "\(NodeFiles.crictlConfigPath): crictl talks to containerd", action: .create,
        .file(path: NodeFiles.crictlConfigPath, content: NodeFiles.crictlConfig, mode: 0o644, owner: "root", group: "root")),
      ServiceReload.containerd,
    ]
    return drafts
  }

  static func binaries(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let version = c.inventory.versions.kubernetes?.description ?? "?"
    var drafts = uploads(i, names: KubernetesArtifacts.binaries, version: version)
    drafts += [
      StepDraft("kubelet-unit", "\(NodeFiles.kubeletUnitPath)", action: .create,
        .file(path: NodeFiles.kubeletUnitPath, content: NodeFiles.kubeletUnit, mode: 0o644, owner: "root", group: "root")),
      StepDraft("kubeadm-drop-in", "\(NodeFiles.kubeadmDropInPath): kubeadm's kubelet flags", action: .create,
        .file(path: NodeFiles.kubeadmDropInPath, content: NodeFiles.kubeadmDropIn, mode: 0o644, owner: "root", group: "root")),
      StepDraft("kubelet-enabled", "kubelet enabled (kubeadm starts it)", action: .run,
        .command(argv: sh(KubernetesScripts.enableKubelet()), unless: sh(KubernetesScripts.kubeletEnabled()))),
    ]
    return drafts
  }

  /// The named Kubernetes binaries from the artifact cache into the bin directory.
  static func uploads(_ i: KubernetesInputs, names: [String], version: String) -> [StepDraft] {
    names.map { name in
      let a = i.artifacts.binaries[name] ?? LocalArtifact(path: "(no artifact)/\(name)", sha256: nil)
      return StepDraft(name, "\(name) \(version) from \(a.path) (sha256 \(a.shortDigest))", action: .create,
        .upload(source: a.path, path: "\(NodeFiles.binDirectory)/\(name)", sha256: a.sha256, mode: 0o755, owner: "root", group: "root"))
    }
  }
}
