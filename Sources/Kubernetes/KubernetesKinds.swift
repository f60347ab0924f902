import Etcd
import Inventory
import Planning
import Support

/// What the Kubernetes kinds need besides the inventory, gathered before planning: the artifacts,
/// the state dir's CA and secrets, the etcd client certificate for the apiservers, and the facts.
public struct KubernetesInputs: Sendable {
  public var artifacts: KubernetesArtifacts
  public var files: KubernetesState.Files
  public var etcdCA: LocalArtifact
  public var etcdClientCertificate: LocalArtifact
  public var etcdClientKey: LocalArtifact
  public var facts: KubernetesClusterFacts
  /// Where the admin kubeconfig is kept on the controller (0600).
  public var adminKubeconfig: String

  public init(
    artifacts: KubernetesArtifacts, files: KubernetesState.Files, etcdCA: LocalArtifact,
    etcdClientCertificate: LocalArtifact, etcdClientKey: LocalArtifact, facts: KubernetesClusterFacts,
    adminKubeconfig: String
  ) {
    self.artifacts = artifacts
    self.files = files
    self.etcdCA = etcdCA
    self.etcdClientCertificate = etcdClientCertificate
    self.etcdClientKey = etcdClientKey
    self.facts = facts
    self.adminKubeconfig = adminKubeconfig
  }
}

extension KubernetesInputs {
  /// Inputs with nothing resolved: for naming the kinds, and plans made without a state dir.
  public static let placeholder = KubernetesInputs(
    artifacts: KubernetesArtifacts(), files: KubernetesState.Files(artifacts: [:], created: true),
    etcdCA: LocalArtifact(path: "?", sha256: nil), etcdClientCertificate: LocalArtifact(path: "?", sha256: nil),
    etcdClientKey: LocalArtifact(path: "?", sha256: nil), facts: .fresh, adminKubeconfig: "(state dir)/admin.conf")
}

/// Paths on the hosts.
public enum KubernetesPaths {
  public static let root = "/etc/kubernetes"
  public static let bulwark = "/etc/kubernetes/bulwark"
  public static let kubeadmConfig = "/etc/kubernetes/bulwark/kubeadm.yaml"
  public static let token = "/etc/kubernetes/bulwark/token"
  public static let policies = "/etc/kubernetes/policies"
  public static let adminConf = "/etc/kubernetes/admin.conf"
  public static let kubeletConf = "/etc/kubernetes/kubelet.conf"
  public static let packages = "/var/lib/bulwark/packages"
  public static let kubeadm = "\(NodeFiles.binDirectory)/kubeadm"
  public static let kubectl = "\(NodeFiles.binDirectory)/kubectl --kubeconfig=\(adminConf)"
}

/// The Kubernetes step kinds: node preparation, the API endpoint, kubeadm's init and joins, the
/// cluster add-ons, node removal, and the upgrade. They replace the described placeholders.
public enum KubernetesKinds {
  public static var names: Set<String> { Set(all(.placeholder).keys) }

  public static func all(_ inputs: KubernetesInputs) -> [String: any StepKind] {
    let i = inputs
    let kinds: [KubernetesKind] = [
      KubernetesKind("node.kernel-modules") { _ in kernelModules() },
      KubernetesKind("node.kernel-parameters") { _ in
        [StepDraft("kernel-parameters", "kernel parameters SY1-SY3 in \(NodeFiles.kernelParametersPath)", action: .update,
          .sysctl(settings: NodeFiles.kernelParameters, file: NodeFiles.kernelParametersPath))]
      },
      KubernetesKind("node.swap-off") { _ in
        [StepDraft("swap-off", "swap off, now and at boot (the kubelet refuses swap)", action: .run,
          .command(argv: ["sh", "-c", NodeFiles.swapOff], unless: ["sh", "-c", NodeFiles.swapIsOff]))]
      },
      KubernetesKind("container-runtime") { c in containerRuntime(c, i) },
      KubernetesKind("kubernetes.binaries") { c in binaries(c, i) },
      KubernetesKind("api-endpoint") { c in apiEndpoint(c, i) },
      KubernetesKind("kubeadm.control-plane") { c in controlPlane(c, i) },
      KubernetesKind("kubernetes.apiserver-gate") { c in apiserverGate(c) },
      KubernetesKind("kubeadm.join-worker") { c in
        c.host.has(.controlPlane) ? [] : join(c, i, what: "as a worker")
      },
      KubernetesKind("kubernetes.cluster-addons") { c in c.position == 0 ? addons(c, i) : [] },
      KubernetesKind("kubernetes.remove-nodes") { c in c.position == 0 ? removeNodes(c, i) : [] },
      KubernetesKind("kubeadm.upgrade-control-plane") { c in upgradeControlPlane(c, i) },
      KubernetesKind("kubelet.upgrade") { c in c.host.has(.controlPlane) ? [] : upgradeWorker(c, i) },
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }

  // MARK: node preparation

  static func kernelModules() -> [StepDraft] {
    [
      StepDraft("modules-load", "\(NodeFiles.modulesLoadPath): load overlay and br_netfilter at boot", action: .create,
        .file(path: NodeFiles.modulesLoadPath, content: NodeFiles.modulesLoad, mode: 0o644, owner: "root", group: "root")),
      StepDraft("modules", "load overlay and br_netfilter now (nothing to do when the kernel has them built in)", action: .run,
        .command(argv: ["modprobe", "-a"] + NodeFiles.modules, unless: ["sh", "-c", NodeFiles.modulesPresent])),
    ]
  }

  static func containerRuntime(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let version = c.inventory.versions.containerd
    let installed = version.map { "dpkg-query -W -f='${Version}' containerd 2>/dev/null | grep -q '^\($0.description)'" }
      ?? "command -v containerd >/dev/null"
    var drafts: [StepDraft] = []
    if i.artifacts.containerdPackages.isEmpty {
      drafts.append(StepDraft("install", "containerd \(version?.description ?? "") from the host's package repositories", action: .run,
        .command(argv: ["sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends containerd"],
          unless: ["sh", "-c", installed])))
    } else {
      var remote: [String] = []
      drafts.append(StepDraft("packages-dir", "directory \(KubernetesPaths.packages)", action: .create,
        .directory(path: KubernetesPaths.packages, mode: 0o700, owner: "root", group: "root")))
      for package in i.artifacts.containerdPackages {
        let name = String(package.path.split(separator: "/").last ?? "")
        let path = "\(KubernetesPaths.packages)/\(name)"
        remote.append(path)
        drafts.append(StepDraft("package", "\(name) from the artifact cache (sha256 \(short(package.sha256)))", action: .create,
          .upload(source: package.path, path: path, sha256: package.sha256, mode: 0o644, owner: "root", group: "root")))
      }
      drafts.append(StepDraft("install", "install containerd \(version?.description ?? "") from those packages (dpkg)", action: .run,
        .command(argv: ["dpkg", "-i"] + remote, unless: ["sh", "-c", installed])))
    }
    let config = NodeFiles.containerdConfig(sandboxImage: NodeFiles.sandboxImage(c.inventory))
    drafts += [
      StepDraft("config", "\(NodeFiles.containerdConfigPath): SystemdCgroup = true, sandbox \(NodeFiles.sandboxImage(c.inventory))",
        action: .create, .file(path: NodeFiles.containerdConfigPath, content: config, mode: 0o644, owner: "root", group: "root")),
      StepDraft("crictl", "\(NodeFiles.crictlConfigPath): crictl talks to containerd", action: .create,
        .file(path: NodeFiles.crictlConfigPath, content: NodeFiles.crictlConfig, mode: 0o644, owner: "root", group: "root")),
      ServiceReload.draft("containerd", files: [NodeFiles.containerdConfigPath]),
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
        .command(argv: ["sh", "-c", "systemctl daemon-reload && systemctl enable --quiet kubelet.service"],
          unless: ["sh", "-c", "systemctl is-enabled --quiet kubelet.service && [ \"$(systemctl show -p NeedDaemonReload --value kubelet.service)\" = no ]"])),
    ]
    return drafts
  }

  static func uploads(_ i: KubernetesInputs, names: [String], version: String) -> [StepDraft] {
    names.map { name in
      let a = i.artifacts.binaries[name] ?? LocalArtifact(path: "(no artifact)/\(name)", sha256: nil)
      return StepDraft(name, "\(name) \(version) from \(a.path) (sha256 \(short(a.sha256)))", action: .create,
        .upload(source: a.path, path: "\(NodeFiles.binDirectory)/\(name)", sha256: a.sha256, mode: 0o755, owner: "root", group: "root"))
    }
  }

  // MARK: the API endpoint

  static func apiEndpoint(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let inv = c.inventory
    guard let e = inv.siteEndpoints.first(where: { $0.sites.contains(c.host.site ?? "") }) ?? inv.endpoint else { return [] }
    let carriesVIP = e.mode == .vip && APIEndpointConfig.vipCarriers(inv).contains { $0.name == c.host.name }
    // With a local proxy a control plane reaches its own apiserver on 127.0.0.1:6443; workers get haproxy there.
    let runsProxy = carriesVIP || (e.mode == .localProxy && c.host.has(.worker) && !c.host.has(.controlPlane))
    guard runsProxy else { return [] }
    var drafts: [StepDraft] = []
    if carriesVIP {
      drafts.append(StepDraft("nonlocal-bind", "net.ipv4.ip_nonlocal_bind = 1: haproxy binds the VIP on a backup carrier too",
        action: .update, .sysctl(settings: ["net.ipv4.ip_nonlocal_bind": "1"], file: "/etc/sysctl.d/90-bulwark-endpoint.conf")))
    }
    let backends = inv.hosts(with: .controlPlane).map(\.name).joined(separator: ", ")
    drafts += [
      StepDraft("haproxy-config", "\(APIEndpointConfig.haproxyConfigPath): :\(e.port) to \(backends), checking /readyz", action: .create,
        .file(path: APIEndpointConfig.haproxyConfigPath, content: APIEndpointConfig.haproxy(inv, for: c.host), mode: 0o644,
          owner: "root", group: "root")),
      ServiceReload.draft("haproxy", files: [APIEndpointConfig.haproxyConfigPath],
        validate: "haproxy -c -q -f \(APIEndpointConfig.haproxyConfigPath)"),
    ]
    if carriesVIP {
      let conf = i.files["keepalived/\(c.host.name).conf"]
      drafts += [
        StepDraft("keepalived-config", "\(APIEndpointConfig.keepalivedConfigPath): VIP \(e.address?.description ?? "?") (VRRP, auth pass from the state dir; sha256 \(short(conf.sha256)))",
          action: .create, .upload(source: conf.path, path: APIEndpointConfig.keepalivedConfigPath, sha256: conf.sha256, mode: 0o600,
            owner: "root", group: "root")),
        ServiceReload.draft("keepalived", files: [APIEndpointConfig.keepalivedConfigPath],
          validate: "keepalived --config-test -f \(APIEndpointConfig.keepalivedConfigPath)"),
      ]
    }
    return drafts
  }

  // MARK: kubeadm

  /// Files every control plane holds before kubeadm runs: the etcd client certificate, the
  /// policies the apiserver reads, and (first only) Bulwark's Kubernetes CA.
  static func controlPlaneFiles(_ c: ExpansionContext, _ i: KubernetesInputs, first: Bool) -> [StepDraft] {
    let pki = ComponentFlags.pki
    func upload(_ name: String, _ a: LocalArtifact, _ path: String, secret: Bool, _ note: String) -> StepDraft {
      StepDraft(name, "\(path): \(note) (sha256 \(short(a.sha256)))", action: .create,
        .upload(source: a.path, path: path, sha256: a.sha256, mode: secret ? 0o600 : 0o644, owner: "root", group: "root"))
    }
    var drafts = [
      StepDraft("pki-dir", "directory \(pki)/etcd", action: .create, .directory(path: "\(pki)/etcd", mode: 0o755, owner: "root", group: "root")),
      StepDraft("policies-dir", "directory \(KubernetesPaths.policies) (0700)", action: .create,
        .directory(path: KubernetesPaths.policies, mode: 0o700, owner: "root", group: "root")),
      StepDraft("bulwark-dir", "directory \(KubernetesPaths.bulwark) (0700)", action: .create,
        .directory(path: KubernetesPaths.bulwark, mode: 0o700, owner: "root", group: "root")),
      upload("etcd-ca", i.etcdCA, "\(pki)/etcd/ca.crt", secret: false, "the etcd CA"),
      upload("etcd-client-crt", i.etcdClientCertificate, "\(pki)/apiserver-etcd-client.crt", secret: false, "the apiserver's etcd client certificate"),
      upload("etcd-client-key", i.etcdClientKey, "\(pki)/apiserver-etcd-client.key", secret: true, "its key"),
      StepDraft("audit-policy", "\(ComponentFlags.auditPolicy) (0600)", action: .create,
        .file(path: ComponentFlags.auditPolicy, content: Policies.auditPolicy, mode: 0o600, owner: "root", group: "root")),
      StepDraft("admission-config", "\(ComponentFlags.admissionConfig): PodSecurity and EventRateLimit (0600)", action: .create,
        .file(path: ComponentFlags.admissionConfig, content: Policies.admissionConfiguration(), mode: 0o600, owner: "root", group: "root")),
      upload("encryption-config", i.files["encryption-config"], ComponentFlags.encryptionConfig, secret: true,
        "secretbox, the same key on every control plane"),
      upload("kubeadm-config", i.files["kubeadm/\(c.host.name).yaml"], KubernetesPaths.kubeadmConfig, secret: true,
        first ? "InitConfiguration, ClusterConfiguration, KubeletConfiguration" : "JoinConfiguration (control plane)"),
    ]
    if first {
      drafts += [
        upload("ca-crt", i.files["ca.crt"], "\(pki)/ca.crt", secret: false, "Bulwark's Kubernetes CA"),
        upload("ca-key", i.files["ca.key"], "\(pki)/ca.key", secret: true, "its key"),
        upload("token-file", i.files["token"], KubernetesPaths.token, secret: true, "the bootstrap token"),
      ]
    }
    return drafts
  }

  static func controlPlane(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let first = c.position == 0
    var drafts = controlPlaneFiles(c, i, first: first)
    let config = KubeadmConfig(c.inventory)
    if first {
      drafts.append(StepDraft("init", "kubeadm init on \(c.host.name): external etcd, controlPlaneEndpoint \(config.endpoint), certificates uploaded",
        action: .run, .command(argv: [KubernetesPaths.kubeadm, "init", "--config", KubernetesPaths.kubeadmConfig, "--upload-certs"],
          unless: ["test", "-f", KubernetesPaths.adminConf])))
      // Joins later than the token's or the uploaded certificates' two hours need them again.
      let tokenListed = "\(KubernetesPaths.kubeadm) token list --kubeconfig=\(KubernetesPaths.adminConf) | grep -qF \"$(cat \(KubernetesPaths.token))\""
      drafts.append(StepDraft("token", "the bootstrap token is valid (made again for 2h when it expired)", action: .run,
        .command(argv: ["sh", "-c", "\(KubernetesPaths.kubeadm) token create \"$(cat \(KubernetesPaths.token))\" --ttl 2h --kubeconfig=\(KubernetesPaths.adminConf) >/dev/null"],
          unless: ["sh", "-c", tokenListed])))
      if c.hostsInOrder.count > 1 {
        drafts.append(StepDraft("upload-certs", "control-plane certificates uploaded for the joins (encrypted with the certificate key)",
          action: .run, .command(
            argv: [KubernetesPaths.kubeadm, "init", "phase", "upload-certs", "--upload-certs", "--config", KubernetesPaths.kubeadmConfig],
            unless: ["sh", "-c", "\(KubernetesPaths.kubectl) -n kube-system get secret kubeadm-certs >/dev/null 2>&1"])))
      }
      return drafts
    }
    drafts.append(StepDraft("join", "kubeadm join \(c.host.name) as control plane \(c.position + 1) of \(c.hostsInOrder.count) (certificates from the upload)",
      action: .run, .command(argv: [KubernetesPaths.kubeadm, "join", "--config", KubernetesPaths.kubeadmConfig],
        unless: ["test", "-f", KubernetesPaths.kubeletConf])))
    return drafts
  }

  static func join(_ c: ExpansionContext, _ i: KubernetesInputs, what: String) -> [StepDraft] {
    let config = i.files["kubeadm/\(c.host.name).yaml"]
    return [
      StepDraft("bulwark-dir", "directory \(KubernetesPaths.bulwark) (0700)", action: .create,
        .directory(path: KubernetesPaths.bulwark, mode: 0o700, owner: "root", group: "root")),
      StepDraft("kubeadm-config", "\(KubernetesPaths.kubeadmConfig): JoinConfiguration via \(KubeadmConfig(c.inventory).endpoint(for: c.host)) (sha256 \(short(config.sha256)))",
        action: .create, .upload(source: config.path, path: KubernetesPaths.kubeadmConfig, sha256: config.sha256, mode: 0o600,
          owner: "root", group: "root")),
      StepDraft("join", "kubeadm join \(c.host.name) \(what)", action: .run,
        .command(argv: [KubernetesPaths.kubeadm, "join", "--config", KubernetesPaths.kubeadmConfig],
          unless: ["test", "-f", KubernetesPaths.kubeletConf])),
    ]
  }

  /// After each control plane: its own apiserver is ready, and so is the endpoint its site uses
  /// (the VIP, the load balancer, or the local proxy), which is how a given load balancer is checked.
  static func apiserverGate(_ c: ExpansionContext) -> [StepDraft] {
    let own = "https://\(EtcdLayout.urlHost(c.host)):6443"
    let endpoint = "https://\(KubeadmConfig(c.inventory).endpoint(for: c.host))"
    func ready(_ server: String) -> [String] {
      ["sh", "-c", "\(KubernetesPaths.kubectl) --server=\(server) get --raw=/readyz"]
    }
    return [
      StepDraft("apiserver-ready", "gate: the apiserver on \(c.host.name) answers /readyz", action: .check,
        .wait(argv: ready(own), timeoutSeconds: 300)),
      StepDraft("endpoint-ready", "gate: the API endpoint \(endpoint) answers /readyz from \(c.host.name)", action: .check,
        .wait(argv: ready(endpoint), timeoutSeconds: 120)),
    ]
  }

  /// On the first control plane, once every node joined: the admin kubeconfig to the state dir,
  /// the CNI, and default-deny NetworkPolicies.
  static func addons(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    var drafts = [
      StepDraft("admin-kubeconfig", "the admin kubeconfig to \(i.adminKubeconfig) (0600)", action: .run,
        .fetch(argv: ["install", "-m", "0600", KubernetesPaths.adminConf, "/var/lib/bulwark/admin.conf"],
          remotePath: "/var/lib/bulwark/admin.conf", localPath: i.adminKubeconfig)),
    ]
    func applied(_ name: String, _ path: String, _ what: String) -> StepDraft {
      StepDraft(name, what, action: .run, .command(
        argv: ["sh", "-c", "\(KubernetesPaths.kubectl) apply --server-side --force-conflicts -f \(path)"],
        unless: ["sh", "-c", "\(KubernetesPaths.kubectl) diff --server-side --force-conflicts -f \(path) >/dev/null"]))
    }
    if let cni = c.inventory.kubernetes.cni, let manifest = i.artifacts.cniManifest {
      let path = "\(KubernetesPaths.bulwark)/cni-\(cni.plugin.rawValue)-v\(cni.version).yaml"
      drafts += [
        StepDraft("cni-manifest", "\(path): \(cni.plugin.rawValue) \(cni.version) from \(manifest.path) (sha256 \(short(manifest.sha256)))",
          action: .create, .upload(source: manifest.path, path: path, sha256: manifest.sha256, mode: 0o600, owner: "root", group: "root")),
        applied("cni", path, "\(cni.plugin.rawValue) \(cni.version) applied (kubectl diff shows nothing left)"),
      ]
    }
    let policies = "\(KubernetesPaths.bulwark)/network-policies.yaml"
    drafts += [
      StepDraft("network-policies-file", "\(policies): default deny, DNS allowed, in namespace default", action: .create,
        .file(path: policies, content: Policies.networkPolicies(namespace: "default"), mode: 0o600, owner: "root", group: "root")),
      applied("network-policies", policies, "default-deny NetworkPolicies applied"),
    ]
    return drafts
  }

  /// Nodes the cluster has that the inventory no longer lists: drained, then deleted.
  static func removeNodes(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let listed = Set(c.inventory.hosts.map(\.name))
    let timeout = c.inventory.kubernetes.upgrade.drainTimeoutSeconds
    return i.facts.nodes.keys.sorted().filter { !listed.contains($0) }.map { node in
      StepDraft("remove-\(node)", "drain \(node) (timeout \(timeout)s), then delete it from the cluster", action: .delete,
        .command(
          argv: ["sh", "-c", "\(KubernetesPaths.kubectl) drain \(node) --ignore-daemonsets --delete-emptydir-data --timeout=\(timeout)s && \(KubernetesPaths.kubectl) delete node \(node)"],
          unless: ["sh", "-c", "! \(KubernetesPaths.kubectl) get node \(node) >/dev/null 2>&1"]))
    }
  }

  // MARK: upgrade

  static func kubeletVersionIs(_ node: String, _ v: Version) -> String {
    "[ \"$(\(KubernetesPaths.kubectl) get node \(node) -o jsonpath='{.status.nodeInfo.kubeletVersion}')\" = v\(v) ]"
  }

  /// A new kubelet is running: the process runs the file now in place, not a replaced one.
  static let kubeletRestarted = """
    systemctl is-active --quiet kubelet.service && [ "$(readlink /proc/$(systemctl show -p MainPID --value kubelet.service)/exe)" = \(NodeFiles.binDirectory)/kubelet ]
    """

  static func upgradeControlPlane(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    guard let target = c.inventory.versions.kubernetes, i.facts.nodes[c.host.name] != target else { return [] }
    var drafts = uploads(i, names: ["kubeadm"], version: target.description)
    if c.position == 0 {
      drafts.append(StepDraft("upgrade-apply", "kubeadm upgrade apply v\(target) on \(c.host.name) (the first control plane)", action: .update,
        .command(argv: [KubernetesPaths.kubeadm, "upgrade", "apply", "v\(target)", "--yes"],
          unless: ["sh", "-c", "\(KubernetesPaths.kubectl) version -o json | grep -q '\"gitVersion\": \"v\(target)\"' && grep -q 'kube-apiserver:v\(target)' /etc/kubernetes/manifests/kube-apiserver.yaml"])))
    } else {
      drafts.append(StepDraft("upgrade-node", "kubeadm upgrade node on \(c.host.name)", action: .update,
        .command(argv: [KubernetesPaths.kubeadm, "upgrade", "node"],
          unless: ["grep", "-q", "kube-apiserver:v\(target)", "/etc/kubernetes/manifests/kube-apiserver.yaml"])))
    }
    return drafts + kubeletOnto(target, c, i)
  }

  /// One worker: drained from the first control plane, upgraded, restarted, uncordoned, and ready
  /// on the new version before its batch counts as done.
  static func upgradeWorker(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    guard let target = c.inventory.versions.kubernetes, i.facts.nodes[c.host.name] != target else { return [] }
    var drafts = uploads(i, names: ["kubeadm"], version: target.description)
    drafts.append(StepDraft("upgrade-node", "kubeadm upgrade node on \(c.host.name) (kubelet configuration)", action: .update,
      .command(argv: [KubernetesPaths.kubeadm, "upgrade", "node"],
        unless: ["sh", "-c", "\(NodeFiles.binDirectory)/kubelet --version | grep -q 'v\(target)$'"])))
    return drafts + kubeletOnto(target, c, i)
  }

  /// What every node does once kubeadm upgraded it, as kubeadm's upgrade guide orders it: drained
  /// (from the first control plane), the new kubelet and kubectl, the kubelet restarted, uncordoned,
  /// and a gate that the node is Ready on the new version.
  static func kubeletOnto(_ target: Version, _ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let node = c.host.name
    let operatorHost = c.topology.controlPlanes.first?.name ?? node
    let timeout = c.inventory.kubernetes.upgrade.drainTimeoutSeconds
    let upgraded = kubeletVersionIs(node, target)
    var drafts = [
      StepDraft("drain", "cordon and drain \(node) (timeout \(timeout)s)", action: .run,
        .command(argv: ["sh", "-c", "\(KubernetesPaths.kubectl) drain \(node) --ignore-daemonsets --delete-emptydir-data --timeout=\(timeout)s"],
          unless: ["sh", "-c", upgraded]), runsOn: operatorHost),
    ]
    drafts += uploads(i, names: ["kubelet", "kubectl"], version: target.description)
    drafts += [
      StepDraft("restart-kubelet", "restart the kubelet onto \(target)", action: .update,
        .command(argv: ["sh", "-c", "systemctl daemon-reload && systemctl restart kubelet.service"], unless: ["sh", "-c", kubeletRestarted])),
      StepDraft("uncordon", "uncordon \(node)", action: .run,
        .command(argv: ["sh", "-c", "\(KubernetesPaths.kubectl) uncordon \(node)"],
          unless: ["sh", "-c", "[ \"$(\(KubernetesPaths.kubectl) get node \(node) -o jsonpath='{.spec.unschedulable}')\" != true ]"]),
        runsOn: operatorHost),
      StepDraft("ready", "gate: \(node) is Ready on \(target)", action: .check,
        .wait(argv: ["sh", "-c", "\(upgraded) && \(KubernetesPaths.kubectl) get node \(node) -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"],
          timeoutSeconds: 300), runsOn: operatorHost),
    ]
    return drafts
  }

  static func short(_ sha: String?) -> String { sha.map { String($0.prefix(12)) + "…" } ?? "unknown" }
}

/// A service whose configuration files are in place: checked with `validate` (when given), then
/// restarted, and the applied files' digest recorded, so a later run restarts it only when they
/// change. Enabled and running are part of the check.
enum ServiceReload {
  static func draft(_ service: String, files: [String], validate: String? = nil) -> StepDraft {
    let stamp = "/var/lib/bulwark/\(service).applied"
    let digest = "cat \(files.map(ShellQuoting.quote).joined(separator: " ")) | sha256sum"
    let check = "systemctl is-active --quiet \(service) && systemctl is-enabled --quiet \(service) && [ \"$(\(digest))\" = \"$(cat \(stamp) 2>/dev/null)\" ]"
    let apply = (validate.map { "\($0) && " } ?? "") + "systemctl unmask --quiet \(service) && systemctl enable --quiet \(service) && systemctl restart \(service) && \(digest) > \(stamp)"
    return StepDraft("\(service)-running", "\(service) enabled and running on its current configuration\(validate == nil ? "" : " (validated first)")",
      action: .run, .command(argv: ["sh", "-c", apply], unless: ["sh", "-c", check]))
  }
}

struct KubernetesKind: StepKind {
  let name: String
  let parameters: [ParameterSpec] = []
  let build: @Sendable (ExpansionContext) -> [StepDraft]
  init(_ name: String, _ build: @escaping @Sendable (ExpansionContext) -> [StepDraft]) {
    self.name = name
    self.build = build
  }
  func expand(_ c: ExpansionContext) -> [StepDraft] { build(c) }
}
