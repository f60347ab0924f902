import Foundation
import SafeYAML
import Support

/// The formats `bulwark advisories import` reads.
public enum AdvisoryFormat: String, Sendable {
  case bulwark, osv, kubernetesFeed = "kubernetes-feed"
}

/// Reads operator-downloaded files into advisory data, all or nothing: any problem in any file fails
/// the whole import with every diagnostic, and the caller's database is not touched.
public enum AdvisoryImport {
  /// The format a document is in, from its shape: a JSON Feed `version`, Bulwark's `schema`, or OSV.
  public static func detect(_ document: YAMLDocument) -> AdvisoryFormat? {
    if document.root.sequence != nil { return .osv }
    guard let m = document.root.mapping else { return nil }
    if let v = m["version"]?.string, v.contains("jsonfeed.org") { return .kubernetesFeed }
    if m["schema"]?.string != nil { return .bulwark }
    if m["id"] != nil && (m["affected"] != nil || m["modified"] != nil) { return .osv }
    return nil
  }

  /// Every file read and converted; the merged data and what was skipped, or every problem found.
  public static func read(paths: [String], today: String) -> Result<(AdvisoryData, ImportReport), AdvisoryError> {
    var report = ImportReport()
    var imported = AdvisoryData(generated: today)
    for path in paths {
      let doc: YAMLDocument
      switch YAMLLoader().load(path: path) {
      case .failure(let e):
        report.diagnostics += e.diagnostics
        continue
      case .success(let d): doc = d
      }
      switch detect(doc) {
      case .kubernetesFeed?:
        imported.advisories += KubernetesCVEFeedImporter.read(doc, into: &report)
        imported.sources.append(DataSource(title: "Kubernetes official CVE feed (imported)", url: path))
      case .osv?:
        imported.advisories += OSVImporter.read(doc, into: &report)
        imported.sources.append(DataSource(title: "OSV records (imported)", url: path))
      case .bulwark?:
        switch BulwarkFormatReader.read(doc) {
        case .failure(let e): report.diagnostics += e.diagnostics
        case .success(let d):
          let merged = AdvisoryDatabase(data: imported).merging(d).data
          imported = merged
        }
      case nil:
        report.diagnostics.append(.error(
          "unknown-format", "not a Kubernetes CVE feed, an OSV record or a Bulwark advisory file",
          at: SourceLocation(file: path, line: 1, column: 1),
          hint: "expected a JSON Feed with items, an OSV record with id and affected, or schema: \(AdvisoryData.schemaName)"))
      }
    }
    if report.diagnostics.hasErrors { return .failure(.badInput(report.diagnostics)) }
    return .success((imported, report))
  }
}
