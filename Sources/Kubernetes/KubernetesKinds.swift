import Planning

/// The Kubernetes step kinds: node preparation, the API endpoint, kubeadm's init and joins, the
/// cluster add-ons, node removal, and the upgrade. They replace the described placeholders. Each
/// concern's drafts are in its own file (NodePreparationKinds, NodeRuntimeKinds, APIEndpointKind,
/// KubeadmKinds, AddonKinds, NodeRemovalKind, UpgradeKinds); their scripts are in KubernetesScripts.
public enum KubernetesKinds {
  public static var names: Set<String> { Set(all(.placeholder).keys) }

  public static func all(_ inputs: KubernetesInputs) -> [String: any StepKind] {
    let i = inputs
    let kinds: [KubernetesKind] = [
      KubernetesKind("node.kernel-modules", sameForEveryHost: true) { _ in kernelModules() },
      KubernetesKind("node.kernel-parameters", sameForEveryHost: true) { _ in kernelParameters() },
      KubernetesKind("node.swap-off", sameForEveryHost: true) { _ in swapOff() },
      KubernetesKind("node.packages", sameForEveryHost: true) { c in nodePackages(c, i) },
      // From the artifact cache, containerd installs the same way everywhere; from the hosts'
      // repositories, the install script names the host.
      KubernetesKind("container-runtime", sameForEveryHost: !i.artifacts.containerdPackages.isEmpty) { c in containerRuntime(c, i) },
      KubernetesKind("kubernetes.binaries", sameForEveryHost: true) { c in binaries(c, i) },
      KubernetesKind("api-endpoint") { c in apiEndpoint(c, i) },
      KubernetesKind("kubeadm.control-plane") { c in controlPlane(c, i) },
      KubernetesKind("kubernetes.apiserver-gate") { c in apiserverGate(c) },
      KubernetesKind("kubeadm.bootstrap-token") { c in bootstrapToken(c, i) },
      KubernetesKind("kubeadm.join-worker") { c in
        c.host.has(.controlPlane) ? [] : join(c, i, what: "as a worker")
      },
      KubernetesKind("kubernetes.cluster-addons") { c in c.position == 0 ? addons(c, i) : [] },
      KubernetesKind("kubernetes.site-proxies") { c in siteProxies(c) },
      KubernetesKind("kubernetes.remove-nodes") { c in c.position == 0 ? removeNodes(c, i) : [] },
      KubernetesKind("kubeadm.upgrade-control-plane") { c in upgradeControlPlane(c, i) },
      KubernetesKind("kubelet.upgrade") { c in c.host.has(.controlPlane) ? [] : upgradeWorker(c, i) },
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }


  /// `argv` under `sh -c`, as command steps run their scripts.
  static func sh(_ script: String) -> [String] { ["sh", "-c", script] }
}

/// A Kubernetes kind: a name and the function that drafts its steps for one host.
struct KubernetesKind: StepKind {
  let name: String
  let parameters: [ParameterSpec] = []
  let sameForEveryHost: Bool
  let build: @Sendable (ExpansionContext) -> [StepDraft]
  init(_ name: String, sameForEveryHost: Bool = false, _ build: @escaping @Sendable (ExpansionContext) -> [StepDraft]) {
    self.name = name
    self.sameForEveryHost = sameForEveryHost
    self.build = build
  }
  func expand(_ c: ExpansionContext) -> [StepDraft] { build(c) }
}
