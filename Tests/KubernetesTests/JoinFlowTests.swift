import Foundation
import Inventory
import Kubernetes
import PlanFixtures
import Planning
import TestSupport
import Testing
import Yams

/// The joins as they must work on real machines, checked against upstream facts rather than
/// Bulwark's own output: anonymous requests limited to what kubeadm's discovery and the health
/// probes need, kubelet serving certificates no approver has to sign, a bootstrap token that is
/// valid when a scale joins, and the kubelets of a site on that site's API endpoint.
@Suite struct JoinFlowTests {
  static let root = repositoryRoot()

  func hybrid() throws -> Inventory { try HybridSample.load() }

  func plan(_ inv: Inventory, _ playbook: String, established: Set<String> = [], inputs: KubernetesInputs = .placeholder) throws -> Plan {
    let book = try PlaybookLoader().load(path: Self.root + "/playbooks/\(playbook).yaml").get()
    var kinds = try PlanFixtures.registry(inv)
    kinds.merge(KubernetesKinds.all(inputs)) { _, these in these }
    return try Planner(kinds: kinds, established: established).plan(inv, playbook: book).get()
  }

  func flags(_ inv: Inventory) throws -> [String: String] {
    let cluster = try #require(try Yams.load_all(yaml: KubeadmConfig(inv).clusterConfiguration()).compactMap { $0 as? [String: Any] }.first)
    let args = ((cluster["apiServer"] as? [String: Any])?["extraArgs"] as? [[String: Any]]) ?? []
    return Dictionary(args.compactMap { a in (a["name"] as? String).map { ($0, a["value"] as? String ?? "") } }) { a, _ in a }
  }

  // MARK: anonymous requests (finding 9)

  /// kube-apiserver refuses `--anonymous-auth` together with an `anonymous` section in the
  /// authentication configuration (pkg/kubeapiserver/options/authentication.go), and the file's
  /// directory must be mounted into the static pod.
  @Test func anonymousRequestsAreLimitedByTheAuthenticationConfiguration() throws {
    let inv = try hybrid()
    let api = try flags(inv)
    #expect(api["anonymous-auth"] == nil)
    let path = try #require(api["authentication-config"])
    #expect(KubeadmConfig(inv).clusterConfiguration().contains("mountPath: \((path as NSString).deletingLastPathComponent)"))
    let doc = try #require(try Yams.load(yaml: Policies.authenticationConfiguration()) as? [String: Any])
    // v1 since Kubernetes 1.34 (KEP-3331 stable); anonymous conditions stable since 1.34 (KEP-4633).
    #expect(doc["apiVersion"] as? String == "apiserver.config.k8s.io/v1" && doc["kind"] as? String == "AuthenticationConfiguration")
    let anonymous = try #require(doc["anonymous"] as? [String: Any])
    #expect(anonymous["enabled"] as? Bool == true)
    let paths = ((anonymous["conditions"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
    // The health endpoints, and the object bootstrap-token discovery GETs before it has credentials
    // (cmd/kubeadm/app/discovery/token: ConfigMap cluster-info in kube-public). Nothing else.
    #expect(Set(paths) == ["/livez", "/readyz", "/healthz", "/api/v1/namespaces/kube-public/configmaps/cluster-info"])
    let p = try plan(inv, "bootstrap")
    for cp in inv.hosts(with: .controlPlane) {
      guard case .file(let target, _, let mode, _, _) = try #require(p.step("control-planes/\(cp.name)/authentication-config")).operation
      else { Issue.record("not a file"); continue }
      #expect(target == path && mode == 0o600)
      #expect(p.step("control-planes/\(cp.name)/authentication-config")?.summary.contains("health endpoints") == true)
    }
  }

  // MARK: kubelet serving certificates (finding 5)

  /// With `serverTLSBootstrap: true` the kubelet waits for an approver of its serving CSR that
  /// nothing runs; instead every node gets a certificate from the CA the apiserver checks kubelets
  /// with (`--kubelet-certificate-authority`), uploaded before kubeadm starts the kubelet.
  @Test func everyNodeGetsItsServingCertificateBeforeItJoins() throws {
    let inv = try hybrid()
    let kubelet = try #require(try Yams.load(yaml: KubeadmConfig(inv).kubeletConfiguration()) as? [String: Any])
    #expect(kubelet["serverTLSBootstrap"] as? Bool != true)
    #expect(kubelet["tlsCertFile"] as? String == ComponentFlags.kubeletServingCertificate)
    #expect(try flags(inv)["kubelet-certificate-authority"] == ComponentFlags.pki + "/ca.crt")
    let p = try plan(inv, "bootstrap")
    let nodes = inv.hosts.filter { $0.has(.controlPlane) || $0.has(.worker) }
    for node in nodes {
      let uploads = p.steps.filter { $0.host == node.name && $0.id.hasSuffix("/kubelet-serving-crt") }
      let starts = p.steps.filter { $0.host == node.name && ($0.id.hasSuffix("/join") || $0.id.hasSuffix("/init")) }
      #expect(uploads.count == 1 && starts.count == 1, "\(node.name)")
      guard let upload = uploads.first, let start = starts.first else { continue }
      #expect(p.steps.firstIndex { $0.id == upload.id }! < p.steps.firstIndex { $0.id == start.id }!, "\(node.name): uploaded before kubeadm runs")
      guard case .upload(_, let path, _, let mode, _, _) = upload.operation else { Issue.record("not an upload"); continue }
      #expect(path == ComponentFlags.kubeletServingCertificate && mode == 0o644)
    }
  }

  /// The certificates themselves, checked with openssl: signed by the Kubernetes CA, for
  /// serverAuth, naming exactly the node's name and address, `system:node:NAME` in `system:nodes`.
  @Test func theServingCertificatesNameTheInventorysNodes() async throws {
    let inv = try hybrid()
    let state = NSTemporaryDirectory() + "bulwark-serving-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let files = try KubernetesState(stateDirectory: state).prepare(inv, write: true)
    let ca = files["ca.crt"].path
    for node in inv.hosts where node.has(.controlPlane) || node.has(.worker) {
      let crt = files[KubernetesState.kubeletServingFile(node.name, key: false)]
      let key = files[KubernetesState.kubeletServingFile(node.name, key: true)]
      #expect(crt.sha256 != nil && key.sha256 != nil, "\(node.name)")
      #expect(try await openssl(["verify", "-CAfile", ca, "-purpose", "sslserver", crt.path]).status == 0, "\(node.name)")
      let text = try await openssl(["x509", "-in", crt.path, "-noout", "-subject", "-ext", "subjectAltName,extendedKeyUsage"]).out
      #expect(text.contains("CN=system:node:\(node.name)") || text.contains("CN = system:node:\(node.name)"), "\(text)")
      #expect(text.contains("O=system:nodes") || text.contains("O = system:nodes"), "\(text)")
      #expect(text.contains("DNS:\(node.name)") && text.contains("IP Address:\(node.address)"), "\(text)")
      #expect(text.contains("TLS Web Server Authentication") && !text.contains("Client Authentication"), "\(text)")
      let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
      #expect(mode == 0o600)
    }
  }

  func openssl(_ arguments: [String]) async throws -> (status: Int32, out: String) {
    let r = try await ChildProcess.run("/usr/bin/openssl", arguments)
    return (r.status, r.output)
  }

  // MARK: the bootstrap token at scale time (finding 2)

  /// kubeadm's bootstrap tokens expire (Bulwark makes them for 2h): a scale makes the token valid
  /// on the first control plane before any new worker joins with it.
  @Test func aScaleMakesTheTokenValidBeforeTheJoins() throws {
    let inv = try HybridSample.load(extraWorker: true)
    let established = Set(inv.hosts.filter { ($0.has(.controlPlane) || $0.has(.worker)) && $0.name != "worker-dc1-2" }.map(\.name))
    let p = try plan(inv, "scale", established: established)
    let token = try #require(p.step("join-token/cp-dc1/token"))
    guard case .command(let argv, let unless) = token.operation else { Issue.record("not a command"); return }
    #expect(argv.last?.contains("token create") == true && argv.last?.contains("--ttl 2h") == true)
    #expect(unless.last?.contains("token list") == true)
    let join = try #require(p.steps.firstIndex { $0.id == "workers/worker-dc1-2/join" })
    #expect(p.steps.firstIndex { $0.id == token.id }! < join)
    // Only the first control plane makes it.
    #expect(p.steps.filter { $0.phase == "join-token" && $0.host != "cp-dc1" && $0.operation != .barrier }.isEmpty)
  }

  // MARK: site endpoints after the join (finding 3)

  /// kubeadm's discovery writes the cluster-info server (the main endpoint) into the kubelet's
  /// kubeconfig whatever endpoint discovery used; nodes of a site with its own endpoint are
  /// pointed at it after the join, the others are left alone.
  @Test func theKubeletsOfASiteUseItsEndpoint() throws {
    let inv = try hybrid()
    let p = try plan(inv, "bootstrap")
    for node in inv.hosts where node.has(.controlPlane) || node.has(.worker) {
      let step = p.steps.first { $0.host == node.name && $0.id.hasSuffix("/site-endpoint") }
      if node.site == "aws-1" {
        let s = try #require(step, "\(node.name)")
        guard case .command(let argv, _) = s.operation else { Issue.record("not a command"); continue }
        #expect(argv.last?.contains("https://k8s-api.aws.example.com:6443") == true)
        #expect(p.steps.firstIndex { $0.id == s.id }! > p.steps.firstIndex { $0.host == node.name && $0.id.hasSuffix("/join") }!)
      } else {
        #expect(step == nil, "\(node.name)")
      }
    }
  }

  /// kube-proxy reads its server from kubeadm's ConfigMap (the main endpoint); `--master` overrides
  /// it (cmd/kube-proxy/app/server.go). The site's nodes get a copy with `--master` set to the site
  /// endpoint, selected by the label their kubelet sets, and kubeadm's DaemonSet stays off them.
  @Test func theKubeProxiesOfASiteUseItsEndpoint() throws {
    let inv = try hybrid()
    #expect(SiteProxies.sites(inv).map(\.site) == ["aws-1"])
    let docs = try Yams.load_all(yaml: SiteProxies.manifest(inv)).compactMap { $0 as? [String: Any] }
    #expect(docs.count == 1)
    let ds = try #require(docs.first)
    #expect(ds["kind"] as? String == "DaemonSet" && (ds["metadata"] as? [String: Any])?["namespace"] as? String == "kube-system")
    let spec = try #require(((ds["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
    #expect((spec["nodeSelector"] as? [String: String])?["bulwark.dev/site"] == "aws-1")
    #expect(spec["serviceAccountName"] as? String == "kube-proxy" && spec["hostNetwork"] as? Bool == true)
    let container = try #require((spec["containers"] as? [[String: Any]])?.first)
    let command = (container["command"] as? [String]) ?? []
    #expect(command.contains("--master=https://k8s-api.aws.example.com:6443"))
    #expect(command.contains("--config=/var/lib/kube-proxy/config.conf"))
    #expect(container["image"] as? String == "registry.k8s.io/kube-proxy:v\(inv.versions.kubernetes!)")
    let volumes = (spec["volumes"] as? [[String: Any]]) ?? []
    #expect(volumes.contains { ($0["configMap"] as? [String: Any])?["name"] as? String == "kube-proxy" })
    // The selector must match the template's labels, or the apiserver refuses the DaemonSet.
    let selector = (((ds["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
    let labels = (((ds["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
    #expect(!selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value })

    let patch = try #require(try JSONSerialization.jsonObject(with: Data(SiteProxies.mainProxyPatch(sites: ["aws-1"]).utf8)) as? [String: Any])
    let terms = ((((((patch["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["affinity"]
      as? [String: Any])?["nodeAffinity"] as? [String: Any])?["requiredDuringSchedulingIgnoredDuringExecution"] as? [String: Any])?["nodeSelectorTerms"]
      as? [[String: Any]]
    let expression = try #require((terms?.first?["matchExpressions"] as? [[String: Any]])?.first)
    #expect(expression["key"] as? String == "bulwark.dev/site" && expression["operator"] as? String == "NotIn"
      && expression["values"] as? [String] == ["aws-1"])

    // The label comes from the kubelet: kubeadm v1beta4's kubeletExtraArgs is a list of name/value.
    let aws = try #require(inv.hosts.first { $0.name == "worker-aws-1" })
    let credentials = JoinCredentials(token: "abcdef.0123456789abcdef", caCertHash: "sha256:00", certificateKey: "00")
    let join = try #require(try Yams.load(yaml: KubeadmConfig(inv).joinConfiguration(for: aws, controlPlane: false, credentials: credentials))
      as? [String: Any])
    let args = ((join["nodeRegistration"] as? [String: Any])?["kubeletExtraArgs"] as? [[String: String]]) ?? []
    #expect(args.contains { $0["name"] == "node-labels" && $0["value"] == "bulwark.dev/site=aws-1" })

    let p = try plan(inv, "bootstrap")
    #expect(p.step("cluster-addons/cp-dc1/site-proxies") != nil && p.step("cluster-addons/cp-dc1/main-proxy-sites") != nil)
    #expect(p.steps.filter { $0.id.hasSuffix("/site-proxies") }.count == 1)
  }
}
