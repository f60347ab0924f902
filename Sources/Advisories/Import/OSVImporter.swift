import Support
import SafeYAML
import Yams

/// Reads OSV records (https://ossf.github.io/osv-schema/): one record or a list of them. Packages map
/// to Bulwark's components by name; `Debian:N` entries become Debian fix records; GIT ranges (commit
/// hashes) and packages Bulwark does not install are skipped and counted.
public enum OSVImporter {
  /// OSV package names (Go modules, the Kubernetes feed's names, plain names) → components.
  static let packages: [String: [Component]] = [
    "k8s.io/kubernetes": Component.kubernetes, "kubernetes": Component.kubernetes,
    "k8s.io/apiserver": [.kubeAPIServer], "k8s.io/kube-apiserver": [.kubeAPIServer],
    "k8s.io/controller-manager": [.kubeControllerManager], "k8s.io/kube-controller-manager": [.kubeControllerManager],
    "k8s.io/kubelet": [.kubelet], "k8s.io/kube-proxy": [.kubeProxy], "k8s.io/kubeadm": [.kubeadm],
    "go.etcd.io/etcd": [.etcd], "go.etcd.io/etcd/v3": [.etcd], "go.etcd.io/etcd/server/v3": [.etcd], "etcd": [.etcd],
    "github.com/containerd/containerd": [.containerd], "github.com/containerd/containerd/v2": [.containerd],
    "containerd": [.containerd], "github.com/opencontainers/runc": [.runc], "runc": [.runc],
    "openssh": [.openssh], "openssh-portable": [.openssh],
  ]
  /// Debian ecosystem suffix → release codename.
  static let debianReleases = ["11": "bullseye", "12": "bookworm", "13": "trixie"]

  public static func read(_ document: YAMLDocument, into report: inout ImportReport) -> [Advisory] {
    let r = NodeReader(file: document.file)
    var out: [Advisory] = []
    if let list = document.root.sequence {
      for (i, n) in list.enumerated() { if let a = record(n, "[\(i)]", r, &report) { out.append(a) } }
    } else if let a = record(document.root, "", r, &report) {
      out.append(a)
    }
    report.diagnostics += r.diagnostics
    return out
  }

  static func record(_ n: Node, _ p: String, _ r: NodeReader, _ report: inout ImportReport) -> Advisory? {
    guard let f = r.lenientFields(n, at: p) else { return nil }
    guard let id = f.string("id", required: true) else { return nil }
    if f.has("withdrawn") {
      report.skipped.append("\(id): withdrawn")
      return nil
    }
    let aliases = f.strings("aliases") ?? []
    let summary = f.string("summary") ?? f.string("details").map { String($0.prefix(160)) } ?? id
    var severity = severityList(f, "severity", r)
    var components: [Component: [VersionRange]] = [:]
    var fixes: [DebianFix] = []
    let affected: [Void] = f.list("affected", required: true) { an, ap in
      guard let a = r.lenientFields(an, at: ap) else { return nil }
      let pkg = a.object("package", known: ["ecosystem", "name", "purl"]) { pf in (pf.string("ecosystem") ?? "", pf.string("name") ?? "") }
      if severity == nil { severity = severityList(a, "severity", r) }
      if severity == nil, let db = a.node("database_specific"), let dbf = r.lenientFields(db, at: a.path("database_specific")),
        let s = dbf.string("severity"), let level = Severity.Level(rawValue: s.lowercased()) {
        severity = Severity(level: level)
      }
      guard let (ecosystem, name) = pkg else { return () }
      if ecosystem.hasPrefix("Debian") {
        let number = ecosystem.split(separator: ":").dropFirst().first.map(String.init) ?? ""
        guard let release = debianReleases[number] else {
          report.skipped.append("\(id): Debian release \(ecosystem) not tracked")
          return ()
        }
        fixes += debianFixes(ranges: a.node("ranges"), path: a.path("ranges"), r, release: release, package: name)
        return ()
      }
      guard let comps = packages[name] ?? packages[name.lowercased()] else {
        report.skipped.append("\(id): package \(name.isEmpty ? "(none)" : name) is not a Bulwark component")
        return ()
      }
      let ranges: [VersionRange] = a.list("ranges") { rn, rp in range(rn, rp, r, id, &report) } ?? []
      for c in comps { components[c, default: []] += ranges }
      return ()
    } ?? []
    _ = affected
    if r.diagnostics.hasErrors { return nil }
    if severity == nil, let db = f.node("database_specific"), let dbf = r.lenientFields(db, at: f.path("database_specific")),
      let s = dbf.string("severity"), let level = Severity.Level(rawValue: s.lowercased() == "moderate" ? "medium" : s.lowercased()) {
      severity = Severity(level: level)
    }
    guard !components.isEmpty else { return nil }
    let grouped = Dictionary(grouping: components.keys) { components[$0] ?? [] }
    let entries = grouped.map { Affected(components: $0.value.sorted(), ranges: $0.key) }.sorted { $0.components[0] < $1.components[0] }
    let refs: [String] = f.list("references") { rn, rp in r.lenientFields(rn, at: rp)?.string("url") } ?? []
    let published = f.string("published").map { String($0.prefix(10)) }
    return Advisory(
      id: id, aliases: aliases, summary: summary, published: published, severity: severity ?? Severity(level: .unknown),
      affected: entries, debianFixes: fixes, references: refs)
  }

  /// `severity: [{type: CVSS_V3, score: "CVSS:3.1/…"}]`; the first CVSS v3 vector wins.
  static func severityList(_ f: Fields, _ key: String, _ r: NodeReader) -> Severity? {
    let list: [Severity] = f.list(key) { n, p in
      guard let s = r.lenientFields(n, at: p), let type = s.string("type"), type == "CVSS_V3", let v = s.string("score") else { return nil }
      guard let sev = Severity(vector: v) else {
        if let sn = s.node("score") { r.error("bad-cvss", "\"\(v)\" is not a CVSS v3 vector", at: sn, path: s.path("score")) }
        return nil
      }
      return sev
    } ?? []
    return list.first
  }

  static func range(_ n: Node, _ p: String, _ r: NodeReader, _ id: String, _ report: inout ImportReport) -> VersionRange? {
    guard let f = r.lenientFields(n, at: p), let type = f.string("type", required: true) else { return nil }
    guard type == "SEMVER" || type == "ECOSYSTEM" else {
      report.skipped.append("\(id): \(type) range at \(p) (commit ranges cannot be compared with versions)")
      return nil
    }
    let events: [RangeEvent]? = f.list("events", required: true) { en, ep in BulwarkFormatReader.event(en, ep, r) }
    guard let events else { return nil }
    return VersionRange(type: type, events: events)
  }

  /// Debian ranges carry Debian versions: the `fixed` event is the package revision with the fix.
  static func debianFixes(ranges: Node?, path: String, _ r: NodeReader, release: String, package: String) -> [DebianFix] {
    guard let list = ranges?.sequence else { return [] }
    var out: [DebianFix] = []
    for (i, rn) in list.enumerated() {
      guard let events = rn.mapping?["events"]?.sequence else { continue }
      for (j, e) in events.enumerated() {
        guard let fixedNode = e.mapping?["fixed"], let text = r.string(fixedNode, at: "\(path)[\(i)].events[\(j)].fixed") else { continue }
        guard let v = DebianVersion(text) else {
          r.error("unknown-version", "\"\(text)\" is not a Debian version", at: fixedNode, path: "\(path)[\(i)].events[\(j)].fixed")
          continue
        }
        out.append(DebianFix(release: release, package: package, fixedVersion: v))
      }
    }
    return out
  }
}

/// What an import read besides advisories: entries it skipped (and why) and problems found.
public struct ImportReport: Sendable {
  public var skipped: [String] = []
  public var diagnostics: [Diagnostic] = []
  public init() {}
}
