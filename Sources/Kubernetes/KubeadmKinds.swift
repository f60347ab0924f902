import Foundation
import Inventory
import Planning

/// kubeadm: the control planes' files, init on the first and joins for the rest, the workers' joins,
/// and the gates after each control plane.
extension KubernetesKinds {
  /// Files every control plane holds before kubeadm runs: the etcd client certificate, the
  /// policies the apiserver reads, and (first only) Bulwark's Kubernetes CA.
  static func controlPlaneFiles(_ c: ExpansionContext, _ i: KubernetesInputs, first: Bool) -> [StepDraft] {
    let pki = ComponentFlags.pki
    func upload(_ name: String, _ a: LocalArtifact, _ path: String, secret: Bool, _ note: String) -> StepDraft {
      StepDraft(name, "\(path): \(note) (sha256 \(a.shortDigest))", action: .create,
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
      StepDraft("authentication-config", "\(ComponentFlags.authenticationConfig): anonymous requests reach the health endpoints and cluster-info only (0600)",
        action: .create, .file(path: ComponentFlags.authenticationConfig, content: Policies.authenticationConfiguration(), mode: 0o600,
          owner: "root", group: "root")),
      StepDraft("admission-config", "\(ComponentFlags.admissionConfig): PodSecurity and EventRateLimit (0600)", action: .create,
        .file(path: ComponentFlags.admissionConfig, content: Policies.admissionConfiguration(), mode: 0o600, owner: "root", group: "root")),
      upload("encryption-config", i.files["encryption-config"], ComponentFlags.encryptionConfig, secret: true,
        "secretbox, the same key on every control plane"),
      upload("kubeadm-config", i.files["kubeadm/\(c.host.name).yaml"], KubernetesPaths.kubeadmConfig, secret: true,
        first ? "InitConfiguration, ClusterConfiguration, KubeletConfiguration" : "JoinConfiguration (control plane)"),
    ] + kubeletServing(c, i)
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
    if first {
      drafts.append(StepDraft("init", "kubeadm init on \(c.host.name): external etcd, controlPlaneEndpoint \(c.inventory.apiEndpointAddress), certificates uploaded",
        action: .run, .command(argv: [KubernetesPaths.kubeadm, "init", "--config", KubernetesPaths.kubeadmConfig, "--upload-certs"],
          unless: ["test", "-f", KubernetesPaths.adminConf])))
      drafts.append(kubeletOnServingCertificate())
      // Joins later than the token's or the uploaded certificates' two hours need them again.
      drafts.append(bootstrapTokenValid())
      if c.hostsInOrder.count > 1 {
        drafts.append(StepDraft("upload-certs", "control-plane certificates uploaded for the joins (encrypted with the certificate key)",
          action: .run, .command(
            argv: [KubernetesPaths.kubeadm, "init", "phase", "upload-certs", "--upload-certs", "--config", KubernetesPaths.kubeadmConfig],
            unless: sh(KubernetesScripts.certificatesUploaded()))))
      }
      return drafts
    }
    drafts.append(StepDraft("join", "kubeadm join \(c.host.name) as control plane \(c.position + 1) of \(c.hostsInOrder.count) (certificates from the upload)",
      action: .run, .command(argv: [KubernetesPaths.kubeadm, "join", "--config", KubernetesPaths.kubeadmConfig],
        unless: ["test", "-f", KubernetesPaths.kubeletConf])))
    drafts.append(kubeletOnServingCertificate())
    return drafts + siteEndpoint(c)
  }

  /// After the join, a node whose site has its own API endpoint: kubeadm's discovery wrote the
  /// cluster-info server (the main endpoint) into the kubelet's kubeconfig, so it is pointed at the
  /// site's endpoint, which the apiserver certificate names (KubeadmConfig.certSANs).
  static func siteEndpoint(_ c: ExpansionContext) -> [StepDraft] {
    let site = c.inventory.apiEndpointAddress(for: c.host)
    guard site != c.inventory.apiEndpointAddress else { return [] }
    let server = "https://\(site)"
    return [
      StepDraft("site-endpoint", "the kubelet on \(c.host.name) talks to its site's API endpoint \(server), not \(c.inventory.apiEndpointAddress)",
        action: .run, .command(argv: sh(KubernetesScripts.pointKubeletAt(server: server)),
          unless: sh(KubernetesScripts.kubeletPointsAt(server: server)))),
    ]
  }

  /// The bootstrap token the joins use, valid again for two hours when it expired: a join that
  /// comes later than two hours after `kubeadm init` (a scale) would otherwise fail discovery.
  static func bootstrapTokenValid() -> StepDraft {
    StepDraft("token", "the bootstrap token is valid (made again for 2h when it expired)", action: .run,
      .command(argv: sh(KubernetesScripts.createBootstrapToken()), unless: sh(KubernetesScripts.bootstrapTokenListed())))
  }

  /// The first control plane's token file and token, before joins that come after the bootstrap.
  static func bootstrapToken(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    guard c.position == 0 else { return [] }
    let token = i.files["token"]
    return [
      StepDraft("bulwark-dir", "directory \(KubernetesPaths.bulwark) (0700)", action: .create,
        .directory(path: KubernetesPaths.bulwark, mode: 0o700, owner: "root", group: "root")),
      StepDraft("token-file", "\(KubernetesPaths.token): the bootstrap token (sha256 \(token.shortDigest))", action: .create,
        .upload(source: token.path, path: KubernetesPaths.token, sha256: token.sha256, mode: 0o600, owner: "root", group: "root")),
      bootstrapTokenValid(),
    ]
  }

  /// The node's kubelet serving certificate and key, from Bulwark's Kubernetes CA, in place before
  /// kubeadm starts the kubelet (KubeletConfiguration's tlsCertFile and tlsPrivateKeyFile).
  /// Worked out once: Foundation's path handling was 1% of a 10,000-host plan when done per node.
  static let kubeletServingDirectory = (ComponentFlags.kubeletServingCertificate as NSString).deletingLastPathComponent

  static func kubeletServing(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let crt = i.files[KubernetesState.kubeletServingFile(c.host.name, key: false)]
    let key = i.files[KubernetesState.kubeletServingFile(c.host.name, key: true)]
    let dir = kubeletServingDirectory
    return [
      StepDraft("kubelet-pki-dir", "directory \(dir)", action: .create, .directory(path: dir, mode: 0o755, owner: "root", group: "root")),
      StepDraft("kubelet-serving-crt", "\(ComponentFlags.kubeletServingCertificate): serving certificate for \(c.host.name), \(c.host.address) (sha256 \(crt.shortDigest))",
        action: .create, .upload(source: crt.path, path: ComponentFlags.kubeletServingCertificate, sha256: crt.sha256, mode: 0o644,
          owner: "root", group: "root")),
      StepDraft("kubelet-serving-key", "\(ComponentFlags.kubeletServingKey): its key (sha256 \(key.shortDigest))", action: .create,
        .upload(source: key.path, path: ComponentFlags.kubeletServingKey, sha256: key.sha256, mode: 0o600, owner: "root", group: "root")),
    ]
  }

  /// After the join: the kubelet restarted when its serving certificate was renewed since it started.
  static func kubeletOnServingCertificate() -> StepDraft {
    ServiceReload.kubeletServing
  }

  static func join(_ c: ExpansionContext, _ i: KubernetesInputs, what: String) -> [StepDraft] {
    let config = i.files["kubeadm/\(c.host.name).yaml"]
    return [
      StepDraft("bulwark-dir", "directory \(KubernetesPaths.bulwark) (0700)", action: .create,
        .directory(path: KubernetesPaths.bulwark, mode: 0o700, owner: "root", group: "root")),
    ] + kubeletServing(c, i) + [
      StepDraft("kubeadm-config", "\(KubernetesPaths.kubeadmConfig): JoinConfiguration via \(c.inventory.apiEndpointAddress(for: c.host)) (sha256 \(config.shortDigest))",
        action: .create, .upload(source: config.path, path: KubernetesPaths.kubeadmConfig, sha256: config.sha256, mode: 0o600,
          owner: "root", group: "root")),
      StepDraft("join", "kubeadm join \(c.host.name) \(what)", action: .run,
        .command(argv: [KubernetesPaths.kubeadm, "join", "--config", KubernetesPaths.kubeadmConfig],
          unless: ["test", "-f", KubernetesPaths.kubeletConf])),
      kubeletOnServingCertificate(),
    ] + siteEndpoint(c)
  }

  /// After each control plane: its own apiserver is ready, and so is the endpoint its site uses
  /// (the VIP, the load balancer, or the local proxy), which is how a given load balancer is checked.
  static func apiserverGate(_ c: ExpansionContext) -> [StepDraft] {
    let own = "https://\(c.host.address.urlHost):6443"
    let endpoint = "https://\(c.inventory.apiEndpointAddress(for: c.host))"
    func ready(_ server: String) -> [String] { sh(KubernetesScripts.apiserverReady(server: server)) }
    return [
      StepDraft("apiserver-ready", "gate: the apiserver on \(c.host.name) answers /readyz", action: .check,
        .wait(argv: ready(own), timeoutSeconds: 300)),
      StepDraft("endpoint-ready", "gate: the API endpoint \(endpoint) answers /readyz from \(c.host.name)", action: .check,
        .wait(argv: ready(endpoint), timeoutSeconds: 120)),
    ]
  }
}
