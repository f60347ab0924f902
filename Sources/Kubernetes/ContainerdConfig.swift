import Inventory

/// containerd's /etc/containerd/config.toml for the kubelet, in the schema of the containerd major version that
/// is installed: the runc runtime with systemd cgroups (the kubelet's cgroup driver too) and the
/// sandbox image pinned so the kubelet and containerd agree.
///
/// The keys, per containerd/containerd docs/cri/config.md@00142976 ("Cgroup Driver", "Full
/// configuration"): in version 2 (containerd 1.x) everything sits under the one CRI plugin
/// `io.containerd.grpc.v1.cri`, the sandbox image as its `sandbox_image`; in version 3
/// (containerd 2.x) runtimes sit under `io.containerd.cri.v1.runtime`, `SystemdCgroup` in
/// `…runtime'.containerd.runtimes.runc.options`, and the sandbox image is `sandbox` in
/// `io.containerd.cri.v1.images'.pinned_images`.
extension NodeFiles {
  /// The config for containerd `version` (a 1.x config when none is pinned, as Debian 12 ships 1.6).
  public static func containerdConfig(sandboxImage: String, containerd version: Version?) -> String {
    let schema = (version?.major ?? 1) >= 2 ? ContainerdSchema.version3 : ContainerdSchema.version2
    return """
      # Managed by Bulwark: containerd \(schema.major).x for the kubelet.
      version = \(schema.version)

      [\(schema.sandboxTable)]
        \(schema.sandboxKey) = "\(sandboxImage)"

      [plugins."\(schema.runtimePlugin)".containerd]
        default_runtime_name = "runc"

      [plugins."\(schema.runtimePlugin)".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

      [plugins."\(schema.runtimePlugin)".containerd.runtimes.runc.options]
        SystemdCgroup = true

      """
  }
}

/// Where one config version keeps the keys Bulwark sets.
struct ContainerdSchema {
  let major: Int, version: Int
  /// The table holding the sandbox image, and the image's key in it.
  let sandboxTable: String, sandboxKey: String
  /// The plugin whose `containerd.runtimes` hold runc.
  let runtimePlugin: String

  /// containerd 1.x: everything under the one CRI plugin.
  static let version2 = ContainerdSchema(major: 1, version: 2, sandboxTable: #"plugins."io.containerd.grpc.v1.cri""#,
    sandboxKey: "sandbox_image", runtimePlugin: "io.containerd.grpc.v1.cri")
  /// containerd 2.x: the CRI plugin split into images and runtime.
  static let version3 = ContainerdSchema(major: 2, version: 3, sandboxTable: #"plugins."io.containerd.cri.v1.images".pinned_images"#,
    sandboxKey: "sandbox", runtimePlugin: "io.containerd.cri.v1.runtime")
}
