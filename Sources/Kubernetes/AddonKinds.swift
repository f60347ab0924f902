import Inventory
import Planning

/// The cluster add-ons, once every node joined.
extension KubernetesKinds {
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
        argv: sh(KubernetesScripts.applyManifest(path: path)), unless: sh(KubernetesScripts.manifestApplied(path: path))))
    }
    if let cni = c.inventory.kubernetes.cni, let manifest = i.artifacts.cniManifest {
      let path = "\(KubernetesPaths.bulwark)/cni-\(cni.plugin.rawValue)-v\(cni.version).yaml"
      drafts += [
        StepDraft("cni-manifest", "\(path): \(cni.plugin.rawValue) \(cni.version) from \(manifest.path) (sha256 \(manifest.shortDigest))",
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

  /// On the first control plane: a kube-proxy per site with its own API endpoint, and kubeadm's
  /// kept off those sites' nodes (SiteProxies). Again after an upgrade, which renders kubeadm's
  /// DaemonSet anew and moves the image on.
  static func siteProxies(_ c: ExpansionContext) -> [StepDraft] {
    guard c.position == 0 else { return [] }
    let sites = SiteProxies.sites(c.inventory)
    guard !sites.isEmpty else { return [] }
    let names = sites.map(\.site)
    let path = SiteProxies.manifestPath
    return [
      StepDraft("site-proxies-file", "\(path): kube-proxy for \(sites.map { "\($0.site) via \($0.server)" }.joined(separator: ", "))",
        action: .create, .file(path: path, content: SiteProxies.manifest(c.inventory), mode: 0o600, owner: "root", group: "root")),
      StepDraft("site-proxies", "the sites' kube-proxy DaemonSets applied", action: .run, .command(
        argv: sh(KubernetesScripts.applyManifest(path: path)), unless: sh(KubernetesScripts.manifestApplied(path: path)))),
      StepDraft("main-proxy-sites", "kubeadm's kube-proxy kept off the nodes of \(names.joined(separator: ", "))", action: .run, .command(
        argv: sh(KubernetesScripts.patchKubeProxy(SiteProxies.mainProxyPatch(sites: names))),
        unless: sh(KubernetesScripts.kubeProxyExcludes(sites: names)))),
    ]
  }
}
