import Inventory

/// What every Kubernetes node needs before kubeadm: kernel modules, the kernel parameters SY1–SY3,
/// containerd's configuration (systemd cgroups, a pinned sandbox image), crictl's, and the kubelet's
/// systemd unit with kubeadm's drop-in. Rendered as text, golden-tested.
public enum NodeFiles {
  public static let binDirectory = "/usr/local/bin"
  public static let modulesLoadPath = "/etc/modules-load.d/bulwark-kubernetes.conf"
  public static let modules = ["overlay", "br_netfilter"]
  public static let kernelParametersPath = "/etc/sysctl.d/90-bulwark-kubernetes.conf"
  public static let containerdConfigPath = "/etc/containerd/config.toml"
  public static let crictlConfigPath = "/etc/crictl.yaml"
  public static let kubeletUnitPath = "/etc/systemd/system/kubelet.service"
  public static let kubeadmDropInPath = "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
  public static let criSocket = "unix:///run/containerd/containerd.sock"

  public static var modulesLoad: String {
    "# Managed by Bulwark: modules Kubernetes networking and containerd need at boot.\n" + modules.map { $0 + "\n" }.joined()
  }

  /// SY1 (forwarding), SY2 (bridged traffic through netfilter) and SY3 (the kernel tunables the
  /// kubelet insists on with `protectKernelDefaults: true`).
  public static let kernelParameters: [String: String] = [
    "net.ipv4.ip_forward": "1",
    "net.bridge.bridge-nf-call-iptables": "1",
    "net.bridge.bridge-nf-call-ip6tables": "1",
    "vm.overcommit_memory": "1",
    "vm.panic_on_oom": "0",
    "kernel.panic": "10",
    "kernel.panic_on_oops": "1",
    "kernel.keys.root_maxkeys": "1000000",
    "kernel.keys.root_maxbytes": "25000000",
  ]

  /// The pause image kubeadm uses for each Kubernetes minor version.
  public static func defaultSandboxImage(for version: Version?) -> String {
    (version?.minor ?? 31) >= 31 ? "registry.k8s.io/pause:3.10" : "registry.k8s.io/pause:3.9"
  }

  public static func sandboxImage(_ inv: Inventory) -> String {
    inv.kubernetes.sandboxImage ?? defaultSandboxImage(for: inv.versions.kubernetes)
  }

  public static let crictlConfig = """
    # Managed by Bulwark.
    runtime-endpoint: \(criSocket)
    image-endpoint: \(criSocket)
    timeout: 10

    """

  public static let kubeletUnit = """
    # Managed by Bulwark: the kubelet; kubeadm's drop-in gives its flags.
    [Unit]
    Description=kubelet: The Kubernetes Node Agent
    Documentation=https://kubernetes.io/docs/
    Wants=network-online.target containerd.service
    After=network-online.target containerd.service

    [Service]
    ExecStart=\(binDirectory)/kubelet
    Restart=always
    StartLimitInterval=0
    RestartSec=10

    [Install]
    WantedBy=multi-user.target

    """

  public static let kubeadmDropIn = """
    # Managed by Bulwark: the flags kubeadm expects the kubelet to run with.
    [Service]
    Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
    Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
    EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
    EnvironmentFile=-/etc/default/kubelet
    ExecStart=
    ExecStart=\(binDirectory)/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS

    """
}
