import Advisories
import Findings
import Inventory
import Kubernetes
import Support

/// The security floor `validate` and `plan` keep: the inventory's component versions (and the versions
/// its artifacts name) against the advisory data, under `spec.security.vulnerabilities`
/// (docs/security.md). Pure apart from `load`: the data and the day are given.
public enum SecurityFloor {
  /// What every Bulwark cluster is, which settles some conditional advisories: hosts are Linux only,
  /// the kubelet's read-only port is off (`readOnlyPort: 0` in KubeadmConfig.swift), and etcd clients
  /// authenticate with certificates (`--client-cert-auth=true` in EtcdUnit.swift), not etcd users.
  /// The apiserver's admission plugins come from `ComponentFlags.apiServer`: with
  /// DenyServiceExternalIPs on, nobody can set a Service's externalIPs (`external-ips-allowed`).
  public static let clusterFacts: ConditionFacts = [
    "windows-nodes": false, "kubelet-read-only-port": false, "etcd-auth": false,
    "external-ips-allowed": !admissionPlugins.contains("DenyServiceExternalIPs"),
  ]

  static var admissionPlugins: [String] {
    ComponentFlags.apiServer(etcdEndpoints: []).first { $0.name == "enable-admission-plugins" }?.value
      .split(separator: ",").map(String.init) ?? []
  }

  /// The facts for one pinned version: `clusterFacts`, and for Kubernetes from 1.33 on, no in-tree
  /// gitRepo volumes: the GitRepoVolumeDriver feature gate is deprecated and off by default from 1.33
  /// (kubernetes/kubernetes pkg/features/kube_features.go@v1.33.0, KEP-5040), and Bulwark's
  /// rendered configuration (ComponentFlags, KubeadmConfig) sets no feature gate that turns it back on.
  public static func conditions(for pin: Pin) -> ConditionFacts {
    var facts = clusterFacts
    if pin.components.contains(where: \.isKubernetes), let v = UpstreamVersion(pin.version), v.major == 1, v.minor >= 33 {
      facts["gitrepo-volumes"] = false
    }
    return facts
  }

  /// One version the inventory asks for, and the YAML path of the field that says so.
  public struct Pin: Hashable, Sendable {
    public var components: [Component]
    public var version: String
    public var path: String
    public init(components: [Component], version: String, path: String) {
      self.components = components
      self.version = version
      self.path = path
    }
  }

  /// The versions to check: `spec.versions` (etcd, kubernetes, containerd), and each artifact whose
  /// file or URL names a fixed version of its own (a `{version}` template follows `spec.versions`).
  public static func pins(_ inv: Inventory) -> [Pin] {
    var out = [Pin(components: [.etcd], version: inv.versions.etcd.description, path: "spec.versions.etcd")]
    if let k = inv.versions.kubernetes {
      out.append(Pin(components: Component.kubernetes, version: k.description, path: "spec.versions.kubernetes"))
    }
    if let c = inv.versions.containerd {
      out.append(Pin(components: [.containerd], version: c.description, path: "spec.versions.containerd"))
    }
    for name in inv.artifacts.keys.sorted() {
      guard let artifact = inv.artifacts[name], let components = Component.named(name) else { continue }
      let (field, text): (String, String)
      switch artifact.source {
      case .file(let f): (field, text) = ("file", f)
      case .url(let u): (field, text) = ("url", u)
      }
      guard !text.contains("{version}"), let version = versionNamed(in: text),
        !out.contains(where: { $0.components == components && $0.version == version })
      else { continue }
      out.append(Pin(components: components, version: version, path: "spec.artifacts.\(name).\(field)"))
    }
    return out
  }

  /// The last `MAJOR.MINOR.PATCH` (with an optional `v`) in a file name or URL:
  /// `…/v3.5.1/etcd-v3.5.1-linux-amd64.tar.gz` → `3.5.1`.
  static func versionNamed(in text: String) -> String? {
    let last = text.split(separator: "/").reversed().first { $0.contains(where: \.isNumber) } ?? ""
    let matches = last.matches(of: /(\d+)\.(\d+)\.(\d+)/)
    return matches.last.map { String($0.output.0) }
  }

  /// Every finding for the inventory, at the position of the field that pinned the version: one per
  /// advisory (a Kubernetes advisory once, for the first binary it names), end-of-life lines, and
  /// the waivers' own problems (expired, unknown id). Sorted as the file reads.
  public static func findings(_ inv: Inventory, data: AdvisoryDatabase, today: Day) -> [Finding] {
    let policy = inv.security.vulnerabilities
    let map = inv.sourceMap
    func position(_ path: String) -> Finding.Position {
      let l = map.location(path)
      return Finding.Position(file: l.file, line: l.line, column: l.column)
    }
    var out: [Finding] = []
    for pin in pins(inv) {
      guard let version = UpstreamVersion(pin.version) else { continue }
      var seen: Set<String> = []
      var matches: [AdvisoryMatch] = []
      for c in pin.components {
        for m in data.matches(component: c, version: version, conditions: conditions(for: pin)) where seen.insert(m.advisory.id).inserted {
          matches.append(m)
        }
      }
      for var f in policy.evaluate(matches, today: today) {
        f.position = position(pin.path)
        out.append(f)
      }
      if let c = pin.components.first, let eol = data.endOfLife(component: c, version: version, today: today) {
        var f = policy.evaluate(endOfLife: eol, component: c, version: version, name: pin.components.count > 1 ? "kubernetes" : nil)
        f.position = position(pin.path)
        out.append(f)
      }
    }
    for problem in policy.waiverProblems(today: today, isKnown: data.knows) {
      var f = problem.finding
      f.position = position((problem.waiver.path ?? "spec.security.vulnerabilities.waivers") + "." + problem.field)
      out.append(f)
    }
    return out.sortedByPosition()
  }

  /// The data Bulwark ships merged with what the operator imported into `dataPath` (when it exists).
  public static func data(at dataPath: String) throws(OperationError) -> AdvisoryDatabase {
    do { return try AdvisoryDatabase.installed(statePath: dataPath) } catch {
      throw OperationError(.failed, .advisoryData, "cannot read the advisory data: \(error)")
    }
  }

  /// SARIF rules for the findings: each advisory with its summary, first reference, severity and
  /// CVSS vector; Bulwark's own rules (end of life, waivers) with what they mean.
  public static func rules(for findings: [Finding], data: AdvisoryDatabase) -> [FindingRule] {
    var out: [FindingRule] = []
    var seen: Set<String> = []
    for f in findings where seen.insert(f.ruleID).inserted {
      if let a = data.data.advisories.first(where: { $0.id == f.ruleID }) {
        var props = ["severity": a.severity.label]
        if let v = a.severity.vector { props["cvssVector"] = v }
        if !a.aliases.isEmpty { props["aliases"] = a.aliases.joined(separator: ", ") }
        out.append(FindingRule(id: a.id, title: a.summary, helpURI: a.references.first, properties: props))
      } else if let title = ownRules[f.ruleID] {
        out.append(FindingRule(id: f.ruleID, title: title))
      }
    }
    return out
  }

  static let ownRules = [
    VulnerabilityPolicy.ruleEndOfLife: "the release line gets no security fixes from its project",
    VulnerabilityPolicy.ruleWaiverExpired: "a vulnerability waiver is past its expiry date and no longer counts",
    VulnerabilityPolicy.ruleWaiverUnknown: "a vulnerability waiver names no advisory in the data",
    ruleUpgradeAdvice: "the version to upgrade to: the lowest that clears every refusing finding within the upgrade rules",
  ]

  /// Throws `refused` when a finding refuses: an error no live waiver covers.
  public static func enforce(_ findings: [Finding], policy: VulnerabilityPolicy) throws(OperationError) {
    let refusing = findings.filter { $0.level == .error && $0.suppressedBecause == nil }
    guard !refusing.isEmpty else { return }
    let n = refusing.count
    throw OperationError(.refused, .vulnerableVersions, """
      refused: \(n) known vulnerabilit\(n == 1 ? "y" : "ies") at or above \(policy.refuseAt.rawValue) in the versions \
      this inventory pins; upgrade to the fixed versions named above, or waive each in \
      spec.security.vulnerabilities.waivers with a reason and an expiry date (docs/security.md)
      """)
  }
}

extension ErrorCode where Domain == OperationFailure {
  public static let vulnerableVersions = ErrorCode("vulnerable-versions")
  public static let advisoryData = ErrorCode("advisory-data")
}

extension Array where Element == Finding {
  /// By file, line and column; findings without a position last, in their order.
  public func sortedByPosition() -> [Finding] {
    enumerated().sorted { a, b in
      switch (a.element.position, b.element.position) {
      case let (pa?, pb?):
        return (pa.file, pa.line, pa.column, a.offset) < (pb.file, pb.line, pb.column, b.offset)
      case (nil, nil): return a.offset < b.offset
      case (_?, nil): return true
      case (nil, _?): return false
      }
    }.map(\.element)
  }
}
