import Advisories
import Findings
import Hardening
import Inventory

/// What the hosts really run against the advisory data: the Debian packages `dpkg-query` reported
/// (Debian's version ordering, so a backported fix counts as fixed) and the running etcd's own
/// `--version`, from the audit's one-round-trip probe (`HardeningScripts.hostProbe`). Pure.
public enum HostAdvisories {
  /// One finding per advisory per host, at the host (logical location: the host; the message names the package),
  /// under the inventory's policy; a version the probe printed that does not parse is a warning
  /// naming it.
  public static func findings(host: String, facts: HostFacts, data: AdvisoryDatabase, policy: VulnerabilityPolicy, today: Day) -> [Finding] {
    var matches: [AdvisoryMatch] = []
    var out: [Finding] = []
    let release = facts.values["os.codename"] ?? ""
    // A host dpkg-query answered is Debian or a derivative, so its C library is glibc.
    var conditions = SecurityFloor.clusterFacts
    if facts.values.keys.contains(where: { $0.hasPrefix("dpkg.") }) { conditions["glibc-linux"] = true }
    for package in HardeningScripts.versionedPackages {
      guard let text = facts.values["dpkg." + package], !text.isEmpty else { continue }
      guard let version = DebianVersion(text) else {
        out.append(unparsable(host: host, what: "package \(package)", text: text))
        continue
      }
      matches += data.packageMatches(release: release, package: package, debianVersion: version, conditions: conditions)
    }
    if let text = facts.values["version.etcd"], !text.isEmpty {
      if let version = UpstreamVersion(text) {
        matches += data.matches(component: .etcd, version: version, conditions: conditions)
      } else {
        out.append(unparsable(host: host, what: "etcd --version", text: text))
      }
    }
    for var f in policy.evaluate(matches, today: today) {
      f.logicalName = host
      f.logicalKind = "host"
      f.message = "\(host): \(f.message)"
      out.append(f)
    }
    return out
  }

  /// What the probe read, for the audit's summary: each installed package with its Debian version
  /// (`openssh-server 1:9.2p1-2+deb12u7`), then the running etcd (`etcd 3.5.30 (running)`).
  public static func versionsRead(_ facts: HostFacts) -> [String] {
    var out = HardeningScripts.versionedPackages.compactMap { p in
      facts.values["dpkg." + p].flatMap { $0.isEmpty ? nil : "\(p) \($0)" }
    }
    if let etcd = facts.values["version.etcd"], !etcd.isEmpty { out.append("etcd \(etcd) (running)") }
    return out
  }

  static func unparsable(host: String, what: String, text: String) -> Finding {
    Finding(ruleID: "unknown-version", level: .warning,
            message: "\(host): \(what) reports \"\(text)\", which is not a version Bulwark can compare",
            logicalName: host, logicalKind: "host")
  }
}
