import Inventory
import PKI
import Planning
import Support

/// What the etcd kinds need besides the inventory: the local files they upload. Gathered before
/// planning (artifact cache, PKI state dir), so the planner stays pure.
public struct EtcdInputs: Sendable {
  public var binaries: [String: LocalArtifact]
  public var pki: PKIStore.AuthorityReport

  public init(binaries: [String: LocalArtifact], pki: PKIStore.AuthorityReport) {
    self.binaries = binaries
    self.pki = pki
  }

  func leaf(_ name: String) -> PKIStore.Leaf? { pki.leaves.first { $0.spec.name == name } }
}

/// The etcd step kinds, replacing the described placeholders of the same names.
public enum EtcdKinds {
  public static func all(_ inputs: EtcdInputs) -> [String: any StepKind] {
    let kinds: [any StepKind] = [
      BinaryKind(inputs: inputs), CertsKind(inputs: inputs), UnitKind(), MemberKind(), HealthGateKind(),
    ]
    return Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
  }
}

struct BinaryKind: StepKind {
  let name = "etcd.binary"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
    var drafts = [StepDraft("bin-dir", "directory \(layout.binaryDirectory) (0755 root:root)", action: .create,
      .directory(path: layout.binaryDirectory, mode: 0o755, owner: "root", group: "root"))]
    for binary in EtcdArtifacts.binaries {
      let local = inputs.binaries[binary] ?? LocalArtifact(path: "(missing)/\(binary)", sha256: nil)
      drafts.append(StepDraft(binary, "\(binary) \(layout.version) from \(local.path) (sha256 \(local.sha256.map { String($0.prefix(12)) + "…" } ?? "unknown"))",
        action: .create,
        .upload(source: local.path, path: "\(layout.binaryDirectory)/\(binary)", sha256: local.sha256, mode: 0o755,
          owner: "root", group: "root")))
    }
    return drafts
  }
}

struct CertsKind: StepKind {
  let name = "etcd.certs"
  let parameters: [ParameterSpec] = []
  let inputs: EtcdInputs

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    typealias F = EtcdLayout.PKIFile
    let host = c.host
    var drafts: [StepDraft] = []
    func add(_ file: F, local: String, sha256: String?, secret: Bool, owner: String, note: String) {
      drafts.append(StepDraft(file.rawValue.replacingOccurrences(of: ".", with: "-"), "\(file.path): \(note)",
        action: .create,
        .upload(source: local, path: file.path, sha256: sha256, mode: secret ? 0o600 : 0o644, owner: owner, group: owner)))
    }
    add(.ca, local: inputs.pki.certificatePath, sha256: inputs.pki.certificateSHA256, secret: false, owner: "etcd",
      note: inputs.pki.created ? "the new etcd CA" : "the etcd CA")
    let pairs: [(String, F, F, String)] = [
      (EtcdCertificates.serverName(host), .serverCert, .serverKey, "etcd"),
      (EtcdCertificates.peerName(host), .peerCert, .peerKey, "etcd"),
      (EtcdCertificates.healthcheckName, .healthcheckCert, .healthcheckKey, "root"),
    ]
    for (name, cert, key, owner) in pairs {
      guard let leaf = inputs.leaf(name) else { continue }
      let note: String
      switch leaf.state {
      case .current: note = "\(leaf.spec.commonName), valid until \(leaf.notValidAfter.map { "\($0)".prefix(10) } ?? "?")"
      case .issue(let reason): note = "\(leaf.spec.commonName), new certificate (\(reason))"
      }
      add(cert, local: leaf.certificatePath, sha256: leaf.certificateSHA256, secret: false, owner: owner, note: note)
      add(key, local: leaf.keyPath, sha256: leaf.keySHA256, secret: true, owner: owner, note: "its key")
    }
    return drafts
  }
}

struct UnitKind: StepKind {
  let name = "etcd.unit"
  let parameters: [ParameterSpec] = []

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let layout = EtcdLayout(c.inventory)
    return [StepDraft("unit", "\(EtcdLayout.unitPath): etcd \(layout.version), client and peer TLS with client-cert auth, metrics on 127.0.0.1 (0600 root)",
      action: .create,
      .file(path: EtcdLayout.unitPath, content: EtcdUnit.render(for: c.host, in: layout), mode: 0o600, owner: "root",
        group: "root"))]
  }
}

/// Starts the member without waiting: a Type=notify etcd of a new cluster is ready only once it has
/// quorum, so a blocking start of the first member would hang. The health gate waits instead.
struct MemberKind: StepKind {
  let name = "etcd.member"
  let parameters: [ParameterSpec] = []

  static let start = """
    systemctl daemon-reload && systemctl enable --quiet etcd.service && systemctl start --no-block etcd.service
    for i in $(seq 1 50); do
      case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; esac
      sleep 0.1
    done
    echo "etcd.service did not start: $(systemctl show -p ActiveState,SubState --value etcd.service | tr '\\n' ' ')" >&2
    exit 1
    """
  static let running = "case $(systemctl show -p ActiveState --value etcd.service) in active|activating) exit 0 ;; *) exit 1 ;; esac"

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let n = c.inventory.etcdMembers.count
    return [StepDraft("start", "start etcd on \(c.host.name) as member \(c.position + 1) of the initial cluster of \(n)",
      action: .run, .command(argv: ["sh", "-c", Self.start], unless: ["sh", "-c", Self.running]))]
  }
}

/// Every member healthy, queried from the first member over TLS with the health-check client.
struct HealthGateKind: StepKind {
  let name = "etcd.health-gate"
  let parameters: [ParameterSpec] = [.string("members", default: "all"), .string("timeout", default: "120")]

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    // A gate after each host of a quorum-safe phase, or once (from the first host) in a parallel one.
    guard c.phase.ordering == .quorumSafe || c.position == 0 else { return [] }
    let layout = EtcdLayout(c.inventory)
    let n = layout.members.count
    let health = ShellQuoting.commandLine(layout.etcdctl(["endpoint", "health", "--cluster"]))
    let script = """
      out=$(\(health) 2>&1); status=$?
      healthy=$(printf '%s\\n' "$out" | grep -c 'is healthy')
      printf '%s\\n' "$out"
      [ "$status" -eq 0 ] && [ "$healthy" -eq \(n) ]
      """
    return [StepDraft("health", "health gate: all \(n) members healthy (quorum \(n / 2 + 1)), asked from \(c.host.name)",
      action: .check, .wait(argv: ["sh", "-c", script], timeoutSeconds: Int(c.params.string("timeout")) ?? 120))]
  }
}
