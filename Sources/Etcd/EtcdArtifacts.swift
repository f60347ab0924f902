import Foundation
import Inventory
import Planning
import Support

/// Finds the etcd binaries for the inventory's version. `spec.artifacts.etcd.file` names a
/// directory holding `etcd` and `etcdctl`; `{version}` in it is replaced (so one inventory line
/// serves every version). Checksums come from the entry's `sha256` (for `etcd`) or from a
/// `SHA256SUMS` manifest in that directory or above it, as `bulwark lab artifacts` writes.
public enum EtcdArtifacts {
  /// etcdutl (offline snapshot restore) exists from 3.5 on.
  public static func binaries(for version: Version) -> [String] {
    version.minor >= 5 || version.major > 3 ? ["etcd", "etcdctl", "etcdutl"] : ["etcd", "etcdctl"]
  }

  public static func resolve(_ inv: Inventory, inventoryDirectory: String) -> (files: [String: LocalArtifact], diagnostics: [Diagnostic]) {
    let path = "spec.artifacts.etcd"
    let at = inv.sourceMap.location(path)
    guard let artifact = inv.artifacts["etcd"] else {
      return ([:], [.error("etcd-artifact-missing", "no etcd artifact: etcd binaries are installed from the artifact cache",
        at: at, path: "spec.artifacts", hint: "add `etcd: {file: ../cache/artifacts/etcd/v{version}}` (make artifacts fills the cache)")])
    }
    guard case .file(let raw) = artifact.source else {
      return ([:], [.error("etcd-artifact-url", "etcd from a URL is not supported yet; use a local directory (the airgap path)",
        at: at, path: path)])
    }
    let expanded = raw.replacingOccurrences(of: "{version}", with: inv.versions.etcd.description)
    let directory = expanded.hasPrefix("/") ? expanded : "\(inventoryDirectory)/\(expanded)"
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      return ([:], [.error("etcd-artifact-absent", "the etcd artifact directory \(directory) does not exist",
        at: at, path: path + ".file", hint: "run `make artifacts`, or point it at a directory with etcd and etcdctl")])
    }
    let manifest = Manifest.find(above: directory)
    var files: [String: LocalArtifact] = [:]
    var diagnostics: [Diagnostic] = []
    for name in binaries(for: inv.versions.etcd) {
      let file = "\(directory)/\(name)"
      guard FileManager.default.isExecutableFile(atPath: file) else {
        diagnostics.append(.error("etcd-artifact-absent", "\(file) is missing or not executable", at: at, path: path + ".file"))
        continue
      }
      let sum = (name == "etcd" ? artifact.sha256 : nil) ?? manifest?.sha256(of: file)
      if sum == nil {
        diagnostics.append(.warning("etcd-artifact-unverified",
          "no sha256 for \(file): neither the inventory nor a SHA256SUMS manifest gives one, so apply will refuse it",
          at: at, path: path))
      }
      files[name] = LocalArtifact(path: file, sha256: sum)
    }
    return (files, diagnostics)
  }
}
