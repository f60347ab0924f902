/// How a component may move from one version to another. Kubernetes and etcd cross at most one minor
/// version per upgrade and never leave their major; the others may go straight to any release of
/// the same major. The Kubernetes rules are those `Kubernetes.VersionSkew` enforces when it plans
/// (https://kubernetes.io/releases/version-skew-policy/): the control plane moves one minor at a time,
/// and a kubelet (kube-proxy likewise) is never newer than the apiserver, so within each step the control
/// plane goes first and the nodes follow. etcd's are `Etcd.EtcdVersionPolicy`'s (one minor at a time;
/// etcd's upgrade guides go 3.4 -> 3.5 -> 3.6). The Orchestration tests check every advised step against both.
public struct UpgradeRules: Hashable, Sendable {
  /// One upgrade crosses at most one minor version (else any release of the same major).
  public var oneMinorPerUpgrade: Bool
  /// Kubernetes: each step upgrades the control plane first, then the kubelets and kube-proxy.
  public var controlPlaneFirst: Bool

  public init(oneMinorPerUpgrade: Bool, controlPlaneFirst: Bool = false) {
    self.oneMinorPerUpgrade = oneMinorPerUpgrade
    self.controlPlaneFirst = controlPlaneFirst
  }

  public static func of(_ components: [Component]) -> UpgradeRules {
    if components.contains(where: \.isKubernetes) { return UpgradeRules(oneMinorPerUpgrade: true, controlPlaneFirst: true) }
    return UpgradeRules(oneMinorPerUpgrade: components.contains(.etcd))
  }
}

/// One upgrade on the way: a version, or only a release line when the data names no version on a
/// line the rules make the path cross. `refusing` lists the advisories that still refuse there (a
/// line passed through because the rules forbid skipping it).
public struct UpgradeStep: Hashable, Sendable, CustomStringConvertible {
  public var line: String
  public var version: UpstreamVersion?
  public var refusing: [String]

  public var description: String { version?.text ?? "\(line).x" }
}

/// Which versions to move to: each step one upgrade the rules allow, the last the lowest version
/// with no finding at or above the refusing level. `steps` is empty when no version the data knows
/// clears the findings within the rules.
public struct UpgradeAdvice: Hashable, Sendable {
  public var components: [Component]
  public var from: UpstreamVersion
  public var rules: UpgradeRules
  /// The severity from which a finding refuses.
  public var refuseAt: Severity.Level
  /// The advisories that refuse `from`.
  public var refusing: [String]
  public var steps: [UpgradeStep]

  public var target: UpstreamVersion? { steps.last?.version }

  /// `3.5.1 -> 3.5.8`, or `1.30.2 -> 1.31.14 -> 1.32.10 (one minor per upgrade; in each, the control
  /// plane first, then the kubelets)`, or why there is no advice.
  public var text: String {
    guard !steps.isEmpty else {
      return "\(from): no version in the advisory data clears \(refusing.joined(separator: ", ")) within the upgrade rules"
    }
    var out = ([from.text] + steps.map(\.description)).joined(separator: " -> ")
    var notes: [String] = []
    if rules.oneMinorPerUpgrade, steps.count > 1 { notes.append("one minor per upgrade") }
    if rules.controlPlaneFirst { notes.append("in each upgrade the control plane first, then the kubelets") }
    let transit = steps.dropLast().filter { !$0.refusing.isEmpty }
    if !transit.isEmpty {
      notes.append("passing through " + transit.map { "\($0) (\($0.refusing.joined(separator: ", ")))" }.joined(separator: ", "))
    }
    if !notes.isEmpty { out += " (" + notes.joined(separator: "; ") + ")" }
    return out
  }
}

extension AdvisoryDatabase {
  /// The advisories at or above `refuseAt` whose conditions hold (an unknown condition only warns)
  /// that affect any of `components` at `version`. Waivers do not count: advice says how to need none.
  public func refusing(_ components: [Component], at version: UpstreamVersion, refuseAt: Severity.Level,
                       conditions: ConditionFacts = [:]) -> [String] {
    var out: [String] = []
    for c in components {
      for m in matches(component: c, version: version, conditions: conditions)
      where m.advisory.severity.level >= refuseAt && m.pendingConditions.isEmpty && !out.contains(m.advisory.id) {
        out.append(m.advisory.id)
      }
    }
    return out.sorted()
  }

  /// How to move `components` (one version for all, as a kubeadm cluster runs them) from `from` to the
  /// lowest version nothing at or above `refuseAt` affects, keeping `rules`; nil when nothing refuses
  /// `from`. Versions come from `candidates` and the fixed versions in the data; pre-releases, other
  /// majors and versions `supported` rejects are never advised. The target line stays `from`'s when a
  /// version there clears the findings; a later line counts only when it is not at end of life on
  /// `today`. Crossing lines one minor at a time, each line between is a step: its lowest clearing
  /// version, else its highest known one (still refusing), else the line alone.
  public func upgradeAdvice(
    components: [Component], from: UpstreamVersion, refuseAt: Severity.Level = .high, conditions: ConditionFacts = [:],
    candidates: [UpstreamVersion] = [], today: Day? = nil, rules: UpgradeRules? = nil,
    supported: (UpstreamVersion) -> Bool = { _ in true }
  ) -> UpgradeAdvice? {
    let refusingNow = refusing(components, at: from, refuseAt: refuseAt, conditions: conditions)
    guard !refusingNow.isEmpty else { return nil }
    let rules = rules ?? .of(components)
    let pool = Set(candidates + components.flatMap(fixedVersions)).filter {
      $0 > from && !$0.isPrerelease && $0.major == from.major && supported($0)
    }.sorted()
    var advice = UpgradeAdvice(components: components, from: from, rules: rules, refuseAt: refuseAt, refusing: refusingNow, steps: [])
    guard let lastMinor = pool.last?.minor else { return advice }
    var transit: [UpgradeStep] = []
    for minor in from.minor...max(from.minor, lastMinor) {
      let line = pool.filter { $0.minor == minor }
      let lineName = "\(from.major).\(minor)"
      let closed = minor != from.minor && components.contains { c in
        line.first.map { endOfLife(component: c, version: $0, today: today) != nil } ?? false
      }
      let clear = line.first { refusing(components, at: $0, refuseAt: refuseAt, conditions: conditions).isEmpty }
      if let clear, !closed {
        advice.steps = transit + [UpgradeStep(line: lineName, version: clear, refusing: [])]
        return advice
      }
      guard rules.oneMinorPerUpgrade, minor != from.minor else { continue }
      let through = clear ?? line.last
      transit.append(UpgradeStep(line: lineName, version: through,
        refusing: through.map { refusing(components, at: $0, refuseAt: refuseAt, conditions: conditions) } ?? []))
    }
    return advice
  }

  func fixedVersions(_ component: Component) -> [UpstreamVersion] {
    data.advisories.flatMap(\.affected).filter { $0.components.contains(component) }
      .flatMap(\.ranges).flatMap(\.events).compactMap { if case .fixed(let v) = $0 { return v } else { return nil } }
  }
}
