import Planning

/// A service whose configuration files are in place: checked with `validate` (a script, when
/// given), then restarted, and the applied files' digest recorded, so a later run restarts it only
/// when they change. Enabled and running are part of the check.
enum ServiceReload {
  /// The same step on every node: worked out once.
  static let containerd = draft("containerd", files: [NodeFiles.containerdConfigPath])
  static let kubeletServing = draft("kubelet", files: [ComponentFlags.kubeletServingCertificate, ComponentFlags.kubeletServingKey])

  static func draft(_ service: String, files: [String], validate: String? = nil) -> StepDraft {
    StepDraft("\(service)-running", "\(service) enabled and running on its current configuration\(validate == nil ? "" : " (validated first)")",
      action: .run, .command(argv: KubernetesKinds.sh(KubernetesScripts.restartService(service, files: files, validate: validate)),
        unless: KubernetesKinds.sh(KubernetesScripts.serviceCurrent(service, files: files))))
  }
}
