import Foundation

/// Compares text with a golden file; `UPDATE_GOLDENS=1` rewrites the file instead.
/// Returns nil when they match, else a short description of the first difference.
public func goldenMismatch(_ actual: String, file path: String) -> String? {
  if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
    try? FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try? actual.write(toFile: path, atomically: true, encoding: .utf8)
    return nil
  }
  guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
    return "golden file \(path) is missing; run with UPDATE_GOLDENS=1 to create it"
  }
  if expected == actual { return nil }
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
  for i in 0..<max(e.count, a.count) {
    let el = i < e.count ? String(e[i]) : "<end>"
    let al = i < a.count ? String(a[i]) : "<end>"
    if el != al { return "\(path):\(i + 1): expected\n  \(el)\ngot\n  \(al)" }
  }
  return "\(path): differs"
}

/// The repository root, found from this source file's location.
public func repositoryRoot(_ file: String = #filePath) -> String {
  var url = URL(fileURLWithPath: file)
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
  }
  return FileManager.default.currentDirectoryPath
}
