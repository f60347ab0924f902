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
    (version?.major ?? 1) >= 2 ? containerdConfigVersion3(sandboxImage: sandboxImage) : containerdConfigVersion2(sandboxImage: sandboxImage)
  }

  /// containerd 1.6/1.7: config version 2.
  static func containerdConfigVersion2(sandboxImage: String) -> String {
    """
    # Managed by Bulwark: containerd 1.x for the kubelet.
    version = 2

    [plugins."io.containerd.grpc.v1.cri"]
      sandbox_image = "\(sandboxImage)"

    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = true

    """
  }

  /// containerd 2.x: config version 3.
  static func containerdConfigVersion3(sandboxImage: String) -> String {
    """
    # Managed by Bulwark: containerd 2.x for the kubelet.
    version = 3

    [plugins."io.containerd.cri.v1.images".pinned_images]
      sandbox = "\(sandboxImage)"

    [plugins."io.containerd.cri.v1.runtime".containerd]
      default_runtime_name = "runc"

    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
      SystemdCgroup = true

    """
  }
}
