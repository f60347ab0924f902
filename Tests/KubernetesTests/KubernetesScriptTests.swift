import Foundation
import Inventory
import Kubernetes
import TestSupport
import Testing

/// Every script the Kubernetes kinds and the probe run, rendered with fixed inputs: golden-tested
/// (Goldens/scripts/NAME.sh) and parsed by `sh -n`.
@Suite struct KubernetesScriptTests {
  static let root = repositoryRoot()
  static let version = Version("1.31.2")!
  static let node = "worker-dc1-1"
  static let manifest = "\(KubernetesPaths.bulwark)/network-policies.yaml"
  static let haproxy = APIEndpointConfig.haproxyConfigPath

  /// Each script by the name of its golden.
  static let scripts: [(String, String)] = [
    ("modules-present", KubernetesScripts.modulesPresent()),
    ("swap-off", KubernetesScripts.swapOff()),
    ("swap-is-off", KubernetesScripts.swapIsOff()),
    ("containerd-installed-pinned", KubernetesScripts.containerdInstalled(version: Version("1.7.22")!)),
    ("containerd-installed-any", KubernetesScripts.containerdInstalled(version: nil)),
    ("install-containerd", KubernetesScripts.installAnyContainerdFromRepositories()),
    ("install-containerd-pinned", KubernetesScripts.installContainerdFromRepositories(host: node, version: Version("2.1.9")!)),
    ("enable-kubelet", KubernetesScripts.enableKubelet()),
    ("kubelet-enabled", KubernetesScripts.kubeletEnabled()),
    ("create-bootstrap-token", KubernetesScripts.createBootstrapToken()),
    ("bootstrap-token-listed", KubernetesScripts.bootstrapTokenListed()),
    ("certificates-uploaded", KubernetesScripts.certificatesUploaded()),
    ("patch-kube-proxy", KubernetesScripts.patchKubeProxy(SiteProxies.mainProxyPatch(sites: ["aws-1"]))),
    ("kube-proxy-excludes", KubernetesScripts.kubeProxyExcludes(sites: ["aws-1"])),
    ("point-kubelet-at", KubernetesScripts.pointKubeletAt(server: "https://k8s-api.aws.example.com:6443")),
    ("kubelet-points-at", KubernetesScripts.kubeletPointsAt(server: "https://k8s-api.aws.example.com:6443")),
    ("apiserver-ready", KubernetesScripts.apiserverReady(server: "https://10.10.1.11:6443")),
    ("apiserver-ready-ipv6", KubernetesScripts.apiserverReady(server: "https://[fd00::11]:6443")),
    ("apply-manifest", KubernetesScripts.applyManifest(path: manifest)),
    ("manifest-applied", KubernetesScripts.manifestApplied(path: manifest)),
    ("drain-node", KubernetesScripts.drainNode(node, timeoutSeconds: 300)),
    ("remove-node", KubernetesScripts.removeNode(node, timeoutSeconds: 300)),
    ("node-absent", KubernetesScripts.nodeAbsent(node)),
    ("uncordon-node", KubernetesScripts.uncordonNode(node)),
    ("node-schedulable", KubernetesScripts.nodeSchedulable(node)),
    ("kubelet-version-is", KubernetesScripts.kubeletVersionIs(node, version)),
    ("node-ready", KubernetesScripts.nodeReady(node, on: version)),
    ("control-plane-upgraded", KubernetesScripts.controlPlaneUpgraded(to: version)),
    ("kubelet-binary-is", KubernetesScripts.kubeletBinaryIs(version)),
    ("restart-kubelet", KubernetesScripts.restartKubelet()),
    ("kubelet-restarted", KubernetesScripts.kubeletRestarted()),
    ("haproxy-config-valid", KubernetesScripts.haproxyConfigValid(path: haproxy)),
    ("keepalived-config-valid", KubernetesScripts.keepalivedConfigValid(path: APIEndpointConfig.keepalivedConfigPath)),
    ("service-current", KubernetesScripts.serviceCurrent("haproxy", files: [haproxy])),
    ("restart-service", KubernetesScripts.restartService("containerd", files: [NodeFiles.containerdConfigPath], validate: nil)),
    ("restart-service-validated",
      KubernetesScripts.restartService("haproxy", files: [haproxy], validate: KubernetesScripts.haproxyConfigValid(path: haproxy))),
    ("probe", KubernetesScripts.probe()),
  ]

  @Test(arguments: scripts)
  func theScriptMatchesItsGoldenAndParses(name: String, script: String) async throws {
    if let diff = goldenMismatch(script + "\n", file: Self.root + "/Tests/KubernetesTests/Goldens/scripts/\(name).sh") {
      Issue.record("\(diff)")
    }
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let r = try await dir.run(["-n", "-c", script])
    #expect(r.status == 0, "sh -n rejects \(name): \(r.err)")
  }

  /// The site-endpoint rewrite on a kubeconfig as kubeadm writes it: only the server changes, the
  /// file stays 0600, the check holds after and not before, and the kubelet is restarted.
  @Test func theKubeletIsPointedAtItsSiteEndpoint() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let conf = dir.path + "/kubelet.conf", site = "https://k8s-api.aws.example.com:6443"
    let original = """
      apiVersion: v1
      clusters:
      - cluster:
          certificate-authority-data: QUJD
          server: https://10.10.0.100:6443
        name: default-cluster
      users:
      - name: default-auth
        user:
          client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem

      """
    try original.write(toFile: conf, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: conf)
    try "#!/bin/sh\necho \"$@\" >> '\(dir.path)/systemctl.log'\n".write(toFile: dir.path + "/systemctl", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path + "/systemctl")
    let path = "PATH='\(dir.path)':\"$PATH\"; "
    #expect(try await dir.run(["-c", path + KubernetesScripts.kubeletPointsAt(server: site, kubeconfig: conf)]).status != 0)
    let r = try await dir.run(["-c", path + KubernetesScripts.pointKubeletAt(server: site, kubeconfig: conf)])
    #expect(r.status == 0, "\(r.err)")
    #expect(try await dir.run(["-c", path + KubernetesScripts.kubeletPointsAt(server: site, kubeconfig: conf)]).status == 0)
    let rewritten = try String(contentsOfFile: conf, encoding: .utf8)
    #expect(rewritten == original.replacingOccurrences(of: "https://10.10.0.100:6443", with: site))
    #expect((try FileManager.default.attributesOfItem(atPath: conf)[.posixPermissions] as? Int) == 0o600)
    #expect((try? String(contentsOfFile: dir.path + "/systemctl.log", encoding: .utf8)) == "restart kubelet\n")
  }

  @Test func theNamesAreUnique() {
    #expect(Set(Self.scripts.map(\.0)).count == Self.scripts.count)
  }
}

/// Node names are values read from hosts: the probe refuses one that is not a DNS-1123 name, the
/// parser refuses it again, and the scripts that take one quote it, so nothing it carries runs.
/// Each payload would touch a marker file if a shell ran it.
@Suite struct HostileNodeNameTests {
  /// `MARKER` is replaced with the marker file's path.
  static let payloads = ["$(touch MARKER)", "`touch MARKER`", "x;touch MARKER", "x && touch MARKER", "x|touch MARKER",
    "x\ntouch MARKER", "\"$(touch MARKER)\""]

  /// The node scripts, with kubectl given as `kubectl`.
  static let nodeScripts: [@Sendable (String, [String]) -> String] = [
    { KubernetesScripts.drainNode($0, timeoutSeconds: 5, kubectl: $1) },
    { KubernetesScripts.removeNode($0, timeoutSeconds: 5, kubectl: $1) },
    { KubernetesScripts.nodeAbsent($0, kubectl: $1) },
    { KubernetesScripts.uncordonNode($0, kubectl: $1) },
    { KubernetesScripts.nodeSchedulable($0, kubectl: $1) },
    { KubernetesScripts.kubeletVersionIs($0, Version("1.31.2")!, kubectl: $1) },
    { KubernetesScripts.nodeReady($0, on: Version("1.31.2")!, kubectl: $1) },
  ]

  /// The payloads are live: pasted into a script unquoted, each touches the marker. Without this
  /// the tests below could pass because the payloads do nothing.
  @Test(arguments: payloads)
  func thePayloadRunsWhenPastedUnquoted(payload: String) async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let fake = try dir.fakeKubectl(nodes: [])
    _ = try await dir.run(["-c", "\(fake) get node \(dir.arm(payload))"])
    #expect(dir.markerExists)
  }

  /// The probe against a kubectl that lists a node with the payload for a name: it stops with
  /// exit 3 before printing the payload, and the marker is never made.
  @Test(arguments: payloads)
  func theProbeRefusesTheName(payload: String) async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let fake = try dir.fakeKubectl(nodes: ["cp-1 v1.31.2", "\(dir.arm(payload)) v1.31.2"])
    let r = try await dir.run(["-c", KubernetesScripts.probe(kubectl: [fake], adminConf: fake)])
    #expect(!dir.markerExists)
    #expect(r.status == 3, "stdout: \(r.out) stderr: \(r.err)")
    #expect(r.out.hasPrefix("server v1.31.2\nnode cp-1 v1.31.2\n") && !r.out.contains("touch"), "\(r.out)")
    #expect(r.err.contains("bulwark: refusing a node"), "\(r.err)")
  }

  @Test func theProbeReportsACleanCluster() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let fake = try dir.fakeKubectl(nodes: ["cp-1 v1.31.2", "w-1.example v1.30.5", "joining"])
    let r = try await dir.run(["-c", KubernetesScripts.probe(kubectl: [fake], adminConf: fake)])
    #expect(r.status == 0, "\(r.err)")
    let facts = try KubernetesProbe.parse(r.out)
    #expect(facts.apiServerVersion == Version("1.31.2"))
    #expect(facts.nodes == ["cp-1": Version("1.31.2")!, "w-1.example": Version("1.30.5")!])
  }

  /// Each node script, rendered with the payload as the node's name and run against a fake
  /// kubectl: the marker is never made, and kubectl gets the name as one whole argument.
  @Test(arguments: payloads)
  func theNodeScriptsQuoteTheName(payload: String) async throws {
    for (index, render) in Self.nodeScripts.enumerated() {
      let dir = try ScratchDirectory()
      defer { dir.remove() }
      let fake = try dir.fakeKubectl(nodes: [])
      let name = dir.arm(payload)
      _ = try await dir.run(["-c", render(name, [fake])])
      #expect(!dir.markerExists, "node script \(index) ran the payload")
      #expect(dir.kubectlArguments.contains(name), "node script \(index) split the name: \(dir.kubectlArguments)")
    }
  }

  @Test(arguments: payloads)
  func theParserRefusesTheName(payload: String) {
    let name = payload.replacingOccurrences(of: "MARKER", with: "/tmp/marker")
    let error = #expect(throws: KubernetesFactsError.self) { try KubernetesProbe.parse("server v1.31.2\nnode \(name) v1.31.2\n") }
    // `x && touch …` and `x⏎touch …` start with a good name; what follows it is refused.
    let startsWithAName = name.hasPrefix("x ") || name.hasPrefix("x\n")
    #expect(error?.code == (startsWithAName ? .unexpectedOutput : .invalidNodeName), "\(name)")
  }

  @Test func theParserRefusesWhatTheProbeNeverPrints() {
    for output in ["server v1.31.2\nnode Upper v1.31.2\n", "server v1.31.2\nnode -x v1.31.2\n"] {
      let error = #expect(throws: KubernetesFactsError.self) { try KubernetesProbe.parse(output) }
      #expect(error?.code == .invalidNodeName, "\(output)")
    }
    for output in ["server v1.31.2\nnode a b v1.31.2\n", "hello\n", "server v1.31.2\nnode a vX\n"] {
      do {
        _ = try KubernetesProbe.parse(output)
        Issue.record("parsed \(output)")
      } catch {
        #expect(error.code == .unexpectedOutput, "\(output)")
      }
    }
  }
}

/// A check that does not hold says what it found against what is wanted, on stdout, as one line.
@Suite struct KubernetesCheckMessageTests {
  @Test func aNodeStillThereIsNamed() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let fake = try dir.fakeKubectl(nodes: [])
    let r = try await dir.run(["-c", KubernetesScripts.nodeAbsent("worker-1", kubectl: [fake])])
    #expect(r.status == 1 && r.out == "node worker-1 is still in the cluster\n", "\(r)")
    let schedulable = try await dir.run(["-c", KubernetesScripts.nodeSchedulable("worker-1", kubectl: [fake])])
    #expect(schedulable.status == 0 && schedulable.out.isEmpty, "a check that holds prints nothing: \(schedulable)")
  }

  @Test func anUnupgradedControlPlaneShowsBothVersions() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let fake = try dir.fakeKubectl(nodes: [])
    let r = try await dir.run(["-c", KubernetesScripts.controlPlaneUpgraded(to: Version("1.32.0")!, kubectl: [fake])])
    #expect(r.status == 1)
    #expect(r.out == "the apiserver answers v1.31.2 and its manifest names no image; wants v1.32.0\n", "\(r)")
  }
}

/// A temporary directory holding a marker path, a fake kubectl, and the output of `sh` runs.
struct ScratchDirectory {
  let path = NSTemporaryDirectory() + "bulwark-k8s-scripts-\(UUID().uuidString)"
  var marker: String { path + "/marker" }
  var markerExists: Bool { FileManager.default.fileExists(atPath: marker) }

  init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
  func remove() { try? FileManager.default.removeItem(atPath: path) }

  /// `payload` pointing at this directory's marker.
  func arm(_ payload: String) -> String { payload.replacingOccurrences(of: "MARKER", with: marker) }

  /// An executable kubectl that records its arguments (NUL-separated) and answers `version` with
  /// server v1.31.2 and `get nodes` with `nodes`, one per line, as the probe's jsonpath prints them.
  func fakeKubectl(nodes: [String]) throws -> String {
    try nodes.map { $0 + "\n" }.joined().write(toFile: path + "/nodes", atomically: true, encoding: .utf8)
    let script = """
      #!/bin/sh
      for a in "$@"; do printf '%s\\0' "$a"; done >> '\(path)/args'
      for a in "$@"; do
        case "$a" in
          version) printf '{\\n  "serverVersion": {\\n    "gitVersion": "v1.31.2"\\n  }\\n}\\n'; exit 0 ;;
          nodes) cat '\(path)/nodes'; exit 0 ;;
        esac
      done
      exit 0

      """
    return try FakeCommand.write(script, to: path + "/kubectl")
  }

  /// Every argument the fake kubectl was called with, across its calls.
  var kubectlArguments: [String] {
    let data = FileManager.default.contents(atPath: path + "/args") ?? Data()
    return data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Runs /bin/sh with `arguments` in this directory, awaiting its exit through the termination
  /// handler so no thread of the pool waits on it. Output goes to files, read once it exits.
  func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
    let r = try await ChildProcess.run("/bin/sh", arguments, in: path)
    return (r.status, r.stdout, r.stderr)
  }
}
