import Kubernetes
import Foundation
import Inventory
import TestSupport
import Testing
import Yams

/// kubeadm, kubelet and policy files for the hybrid sample, golden-tested, parsed back as YAML, and
/// checked as data against the hardening items they must carry (HARDENING.md §3–§7).
@Suite struct KubernetesRenderingTests {
  static let root = repositoryRoot()

  func hybrid() throws -> Inventory {
    let loaded = InventoryLoader().load(path: Self.root + "/inventories/hybrid.yaml")
    return try #require(loaded.inventory)
  }

  func golden(_ text: String, _ name: String) {
    if let diff = goldenMismatch(text, file: Self.root + "/Tests/KubernetesTests/Goldens/\(name)") { Issue.record("\(diff)") }
  }

  /// Every YAML document in `text`, parsed.
  func documents(_ text: String) throws -> [[String: Any]] {
    try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
  }

  /// Fixed credentials for the goldens; real ones are random and live in the state dir.
  static let credentials = JoinCredentials(token: "abcdef.0123456789abcdef",
    caCertHash: "sha256:" + String(repeating: "ab", count: 32), certificateKey: String(repeating: "0f", count: 32))

  @Test func renderedFilesMatchTheirGoldens() throws {
    let inv = try hybrid()
    let config = KubeadmConfig(inv)
    let first = try #require(inv.hosts(with: .controlPlane).first)
    let second = try #require(inv.hosts(with: .controlPlane).dropFirst().first)
    let worker = try #require(inv.hosts(with: .worker).first)
    let awsWorker = try #require(inv.hosts.first { $0.name == "worker-aws-1" })
    golden(config.initConfiguration(for: first, credentials: Self.credentials), "kubeadm-init.yaml")
    golden(config.joinConfiguration(for: second, controlPlane: true, credentials: Self.credentials), "kubeadm-join-control-plane.yaml")
    golden(config.joinConfiguration(for: worker, controlPlane: false, credentials: Self.credentials), "kubeadm-join-worker.yaml")
    golden(config.joinConfiguration(for: awsWorker, controlPlane: false, credentials: Self.credentials), "kubeadm-join-worker-aws.yaml")
    golden(NodeFiles.crictlConfig, "crictl.yaml")
    golden(NodeFiles.kubeletUnit, "kubelet.service")
    golden(NodeFiles.kubeadmDropIn, "10-kubeadm.conf")
    golden(NodeFiles.modulesLoad, "modules-load.conf")
    golden(config.kubeletConfiguration(), "kubelet-config.yaml")
    golden(Policies.auditPolicy, "audit-policy.yaml")
    golden(Policies.encryptionConfiguration(keyBase64: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), "encryption-config.yaml")
    golden(Policies.admissionConfiguration(), "admission-config.yaml")
    golden(Policies.networkPolicies(namespace: "default"), "network-policies.yaml")
  }

  @Test func everyRenderedFileIsYAMLOfTheRightKind() throws {
    let inv = try hybrid()
    let config = KubeadmConfig(inv)
    let cp = inv.hosts(with: .controlPlane)[0]
    #expect(try documents(config.initConfiguration(for: cp, credentials: Self.credentials)).map { $0["kind"] as? String }
      == ["InitConfiguration", "ClusterConfiguration", "KubeletConfiguration"])
    #expect(try documents(config.joinConfiguration(for: cp, controlPlane: true, credentials: Self.credentials)).first?["controlPlane"] != nil)
    #expect(try documents(config.kubeletConfiguration()).first?["kind"] as? String == "KubeletConfiguration")
    #expect(try documents(Policies.auditPolicy).first?["kind"] as? String == "Policy")
    #expect(try documents(Policies.admissionConfiguration()).first?["kind"] as? String == "AdmissionConfiguration")
    #expect(try documents(Policies.networkPolicies(namespace: "apps")).count == 3)
  }

  @Test func theClusterConfigurationUsesBulwarksEtcdAndEndpoint() throws {
    let inv = try hybrid()
    let cluster = try #require(try documents(KubeadmConfig(inv).clusterConfiguration()).first)
    let external = try #require((cluster["etcd"] as? [String: Any])?["external"] as? [String: Any])
    #expect((external["endpoints"] as? [String])?.count == inv.etcdMembers.count)
    #expect(external["caFile"] as? String == "/etc/kubernetes/pki/etcd/ca.crt")
    #expect(cluster["controlPlaneEndpoint"] as? String == "10.10.0.100:6443")
    let sans = try #require((cluster["apiServer"] as? [String: Any])?["certSANs"] as? [String])
    for cp in inv.hosts(with: .controlPlane) { #expect(sans.contains(cp.address.description) && sans.contains(cp.name)) }
    #expect(sans.contains("10.10.0.100"))
  }

  /// The kube-bench tests for the A, C, S and K items, evaluated on the rendered flags.
  @Test func theHardenedComponentSettingsAreInTheRenderedConfig() throws {
    let inv = try hybrid()
    let cluster = try #require(try documents(KubeadmConfig(inv).clusterConfiguration()).first)
    func flags(_ component: String) -> [String: String] {
      let list = ((cluster[component] as? [String: Any])?["extraArgs"] as? [[String: Any]]) ?? []
      return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, "\($0["value"]!)") })
    }
    let api = flags("apiServer"), cm = flags("controllerManager"), sched = flags("scheduler")
    #expect(api["token-auth-file"] == nil, "A2")
    #expect(api["enable-admission-plugins"]?.contains("DenyServiceExternalIPs") == true, "A3")
    #expect(api["kubelet-certificate-authority"] != nil, "A5")
    #expect(api["authorization-mode"] == "Node,RBAC", "A6-A8")
    #expect(api["enable-admission-plugins"]?.contains("EventRateLimit") == true && api["admission-control-config-file"] != nil, "A9")
    #expect(api["enable-admission-plugins"]?.contains("AlwaysAdmit") == false, "A10")
    #expect(api["enable-admission-plugins"]?.contains("NodeRestriction") == true, "A14")
    #expect(api["profiling"] == "false", "A15")
    #expect(api["audit-log-path"] != nil && Int(api["audit-log-maxage"]!)! >= 30 && Int(api["audit-log-maxbackup"]!)! >= 10
      && Int(api["audit-log-maxsize"]!)! >= 100, "A16-A19")
    #expect(api["service-account-lookup"] == "true", "A21")
    #expect(api["encryption-provider-config"] != nil, "A27")
    #expect(api["tls-cipher-suites"].map { Set($0.split(separator: ",").map(String.init)).isSubset(of: ComponentFlags.cipherSuites) } == true, "A29")
    #expect(api["service-account-extend-token-expiration"] == "false", "A30")
    #expect(cm["profiling"] == "false" && cm["use-service-account-credentials"] == "true" && cm["bind-address"] == "127.0.0.1", "C2 C3 C7")
    #expect(cm["terminated-pod-gc-threshold"] != nil, "C1")
    #expect(sched["profiling"] == "false" && sched["bind-address"] == "127.0.0.1", "S1 S2")

    let kubelet = try #require(try documents(KubeadmConfig(inv).kubeletConfiguration()).first)
    let authn = kubelet["authentication"] as? [String: Any]
    #expect((authn?["anonymous"] as? [String: Any])?["enabled"] as? Bool == false, "K1")
    #expect((kubelet["authorization"] as? [String: Any])?["mode"] as? String == "Webhook", "K2")
    #expect((authn?["x509"] as? [String: Any])?["clientCAFile"] != nil, "K3")
    #expect(kubelet["readOnlyPort"] as? Int == 0, "K4")
    #expect(kubelet["streamingConnectionIdleTimeout"] as? String != "0", "K5")
    // K9: the serving certificate comes from Bulwark's CA (no CSR waits for an approver), K10: the
    // client certificate rotates.
    #expect(kubelet["serverTLSBootstrap"] as? Bool == false && kubelet["tlsCertFile"] as? String == ComponentFlags.kubeletServingCertificate
      && kubelet["tlsPrivateKeyFile"] as? String == ComponentFlags.kubeletServingKey && kubelet["rotateCertificates"] as? Bool == true, "K9 K10")
    #expect(kubelet["seccompDefault"] as? Bool == true && kubelet["protectKernelDefaults"] as? Bool == true, "K14 K15")
    #expect((kubelet["tlsCipherSuites"] as? [String]).map { Set($0).isSubset(of: ComponentFlags.cipherSuites) } == true, "K12")
  }

  @Test func encryptionAtRestUsesSecretboxFirst() throws {
    let doc = try #require(try documents(Policies.encryptionConfiguration(keyBase64: "a2V5")).first)
    let providers = ((doc["resources"] as? [[String: Any]])?.first?["providers"] as? [[String: Any]]) ?? []
    #expect(providers.first?.keys.first == "secretbox", "A28: the first provider encrypts")
  }

  @Test func haproxyAndKeepalivedConfigs() throws {
    let inv = try hybrid()
    let lb = try #require(inv.hosts(with: .lb).first)
    let carriers = inv.hosts(with: .lb)
    let haproxy = APIEndpointConfig.haproxy(inv, for: lb)
    golden(haproxy, "haproxy.cfg")
    golden(APIEndpointConfig.keepalived(inv, for: lb, carriers: carriers, interface: "eth0", authPass: "k9Qx2Lm4"), "keepalived.conf")
    for cp in inv.hosts(with: .controlPlane) { #expect(haproxy.contains("server \(cp.name) \(cp.address):6443 check")) }
    #expect(haproxy.contains("http-check send meth GET uri /readyz"))
    // haproxy's own checker, where haproxy is installed (make test installs it).
    let binary = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let path = NSTemporaryDirectory() + "bulwark-haproxy-\(UUID().uuidString).cfg"
    try haproxy.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let checker = try #require(binary, "haproxy is not installed; make test installs it")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: checker)
    p.arguments = ["-c", "-f", path]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "haproxy -c -f rejected the rendered configuration")
  }
}
