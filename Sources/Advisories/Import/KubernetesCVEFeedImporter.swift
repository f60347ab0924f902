import Foundation
import Support
import SafeYAML
import Yams

/// Reads the official Kubernetes CVE feed (JSON Feed 1.1, kubernetes.io/docs/reference/issues-security/
/// official-cve-feed/index.json). Each item's versions are Markdown inside `content_text`, under
/// "Affected Versions" and "Fixed Versions" headings, as bullets such as `kubelet v1.28.0 - v1.28.11`,
/// `kube-apiserver <= v1.27.12`, `v1.29.4`. Items naming no Bulwark component (ingress-nginx, CSI
/// drivers, image builder) are skipped and counted.
public enum KubernetesCVEFeedImporter {
  static let names: [(String, [Component])] = [
    ("kube-apiserver", [.kubeAPIServer]), ("kube-controller-manager", [.kubeControllerManager]),
    ("kube-proxy", [.kubeProxy]), ("kubelet", [.kubelet]), ("kubeadm", [.kubeadm]),
  ]

  public static func read(_ document: YAMLDocument, into report: inout ImportReport) -> [Advisory] {
    let r = NodeReader(file: document.file)
    var out: [Advisory] = []
    guard let top = r.lenientFields(document.root, at: "") else {
      report.diagnostics += r.diagnostics
      return []
    }
    _ = top.string("version", required: true)
    let _: [Void]? = top.list("items", required: true) { n, p in
      out += item(n, p, r, &report)
      return ()
    }
    report.diagnostics += r.diagnostics
    return out
  }

  static func item(_ n: Node, _ p: String, _ r: NodeReader, _ report: inout ImportReport) -> [Advisory] {
    guard let f = r.lenientFields(n, at: p), let idText = f.string("id", required: true) else { return [] }
    let ids = idText.split { $0 == "," || $0 == " " }.map(String.init).filter { !$0.isEmpty }
    guard let content = f.string("content_text"), let contentNode = f.node("content_text") else {
      report.skipped.append("\(idText): no content_text")
      return []
    }
    let summary = f.string("summary") ?? f.string("title") ?? idText
    let parsed = parse(content)
    for bad in parsed.badVersions {
      r.error("unknown-version", "\"\(bad)\" in content_text is not a version Bulwark can compare", at: contentNode, path: f.path("content_text"))
    }
    let mentioned = names.filter { content.contains($0.0) || summary.contains($0.0) }.flatMap(\.1)
    var byComponent: [Component: [RangeEvent]] = [:]
    for spec in parsed.affected {
      let comps = spec.components.isEmpty ? mentioned : spec.components
      for c in comps {
        let fixes = parsed.fixed.filter { $0.components.isEmpty || $0.components.contains(c) }.map(\.version)
        byComponent[c, default: []] += spec.events(fixes: fixes)
      }
    }
    guard !byComponent.isEmpty else {
      report.skipped.append("\(idText): names no Bulwark component, or lists no versions")
      return []
    }
    let grouped = Dictionary(grouping: byComponent.keys) { Set(byComponent[$0] ?? []) }
    let affected = grouped.map { events, comps in
      Affected(components: comps.sorted(), ranges: [VersionRange(type: "SEMVER", events: Array(events))])
    }.sorted { $0.components[0] < $1.components[0] }
    let severity = parsed.vector.flatMap { Severity(vector: $0) } ?? Severity(level: .unknown)
    let refs = [f.string("url"), f.string("external_url")].compactMap { $0 }
    let published = f.string("date_published").map { String($0.prefix(10)) }
    return ids.map { id in
      Advisory(id: id, aliases: ids.filter { $0 != id }, summary: summary, published: published, severity: severity,
               affected: affected, references: refs)
    }
  }

  /// One affected bullet: components it names (may be none) and its bounds.
  struct AffectedSpec {
    var components: [Component]
    var introduced: UpstreamVersion
    /// The last affected version, or nil for an open range (`>= v1.30.0`).
    var lastAffected: UpstreamVersion?
    /// `< vX` gives the fixed version directly.
    var fixed: UpstreamVersion?

    /// OSV events; a published fix on the same line as the last affected version closes the range.
    func events(fixes: [UpstreamVersion]) -> [RangeEvent] {
      var out: [RangeEvent] = [.introduced(introduced)]
      if let fixed {
        out.append(.fixed(fixed))
      } else if let last = lastAffected {
        if let fix = fixes.filter({ $0.line == last.line && $0 > last }).min() {
          out.append(.fixed(fix))
        } else {
          out.append(.lastAffected(last))
        }
      }
      return out
    }
  }

  struct Parsed {
    var affected: [AffectedSpec] = []
    var fixed: [(components: [Component], version: UpstreamVersion)] = []
    var vector: String?
    var badVersions: [String] = []
  }

  static let versionPattern = #"v?\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?"#

  /// The Markdown of `content_text`: headings switch sections, bullets carry versions.
  static func parse(_ text: String) -> Parsed {
    var out = Parsed()
    out.vector = firstMatch(#"CVSS:3\.[01](?:/[A-Z]{1,2}:[A-Z])+"#, in: text)
    enum Section { case none, affected, fixed }
    var section = Section.none
    for raw in text.split(whereSeparator: \.isNewline) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      let lower = line.lowercased()
      let isBullet = line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ")
      if !isBullet {
        if lower.contains("affected versions") { section = .affected } else if lower.contains("fixed versions") {
          section = .fixed
        } else if line.hasPrefix("#") || (line.hasPrefix("**") && line.hasSuffix("**")) { section = .none }
        continue
      }
      let body = String(line.dropFirst(2))
      let comps = names.filter { body.contains($0.0) }.flatMap(\.1)
      let versions = allMatches(versionPattern, in: body)
      let parsedVersions = versions.compactMap { v -> UpstreamVersion? in
        guard let u = UpstreamVersion(v) else { out.badVersions.append(v); return nil }
        return u
      }
      switch section {
      case .none: continue
      case .fixed:
        for v in parsedVersions { out.fixed.append((comps, v)) }
      case .affected:
        guard let first = parsedVersions.first else { continue }
        if body.contains("<=") || body.contains("≤") {
          out.affected.append(AffectedSpec(components: comps, introduced: .origin, lastAffected: first))
        } else if body.contains("<") {
          out.affected.append(AffectedSpec(components: comps, introduced: .origin, fixed: first))
        } else if body.contains(">=") || body.contains("≥") {
          out.affected.append(AffectedSpec(components: comps, introduced: first, lastAffected: nil))
        } else if parsedVersions.count >= 2 {
          out.affected.append(AffectedSpec(components: comps, introduced: first, lastAffected: parsedVersions[1]))
        } else {
          out.affected.append(AffectedSpec(components: comps, introduced: first, lastAffected: first))
        }
      }
    }
    return out
  }

  static func allMatches(_ pattern: String, in text: String) -> [String] {
    guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
    let ns = text as NSString
    return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
      .map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
  }

  static func firstMatch(_ pattern: String, in text: String) -> String? { allMatches(pattern, in: text).first }
}
