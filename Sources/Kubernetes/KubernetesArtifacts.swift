import Foundation
import Inventory
import Planning
import Support

/// Where the Kubernetes layer's files come from on the controller:
/// - `artifacts.kubernetes.file`: a directory (with `{version}`) holding kubeadm, kubelet, kubectl;
///   or `artifacts.kubeadm|kubelet|kubectl` each with a `url` and `sha256` (downloaded into the
///   state dir's `downloads/` first, see `downloads`);
/// - `artifacts.containerd.file`: a directory (with `{version}`) of Debian packages (containerd and
///   runc), one of them containerd at exactly `versions.containerd` (an error otherwise); without
///   it, containerd comes from the hosts' own package repositories, at exactly that version;
/// - `artifacts.cni.file`: the CNI manifest (with `{version}`).
/// Checksums come from the entry's `sha256` or a `SHA256SUMS` manifest above the file. A missing
/// file is a warning when planning, and its upload step fails with the path it looked for.
public struct KubernetesArtifacts: Sendable {
  public static let binaries = ["kubeadm", "kubelet", "kubectl"]

  public var binaries: [String: LocalArtifact] = [:]
  public var containerdPackages: [LocalArtifact] = []
  public var cniManifest: LocalArtifact?
  /// `artifacts.nodePackages`: the .deb files node preparation installs from (`NodePackages`).
  public var nodePackages: [LocalArtifact] = []
  public var diagnostics: [Diagnostic] = []
  /// URL artifacts to fetch before applying: (url, sha256, where it goes).
  public var downloads: [(url: String, sha256: String, path: String)] = []

  public init() {}

  public static func resolve(_ inv: Inventory, inventoryDirectory: String, stateDirectory: String) -> KubernetesArtifacts {
    var out = KubernetesArtifacts()
    guard let version = inv.versions.kubernetes else { return out }
    func expand(_ raw: String, _ v: Version) -> String {
      let e = raw.replacingOccurrences(of: "{version}", with: v.description)
      return e.hasPrefix("/") ? e : "\(inventoryDirectory)/\(e)"
    }
    func local(_ path: String, sha: String?, key: String) -> LocalArtifact {
      guard FileManager.default.fileExists(atPath: path) else {
        out.diagnostics.append(.warning("artifact-absent", "\(path) does not exist; its upload will fail until it does",
          at: inv.sourceMap.location("spec.artifacts.\(key)"), path: "spec.artifacts.\(key)",
          hint: "put the file there (`make artifacts` fills the lab's cache), or give a url and sha256"))
        return LocalArtifact(path: path, sha256: nil)
      }
      return LocalArtifact(path: path, sha256: sha ?? Manifest.find(above: (path as NSString).deletingLastPathComponent)?.sha256(of: path))
    }

    for name in binaries {
      if let a = inv.artifacts[name], case .url(let url) = a.source, let sha = a.sha256 {
        let path = "\(stateDirectory)/downloads/\(sha)/\(name)"
        out.downloads.append((url, sha, path))
        out.binaries[name] = FileManager.default.fileExists(atPath: path)
          ? LocalArtifact(path: path, sha256: sha) : LocalArtifact(path: path, sha256: nil)
      } else if let a = inv.artifacts[name], case .file(let raw) = a.source {
        out.binaries[name] = local(expand(raw, version), sha: a.sha256, key: name)
      } else if let a = inv.artifacts["kubernetes"], case .file(let raw) = a.source {
        out.binaries[name] = local(expand(raw, version) + "/\(name)", sha: nil, key: "kubernetes")
      } else {
        out.diagnostics.append(.warning("artifact-missing", "no artifact gives \(name) \(version)",
          at: inv.sourceMap.location("spec.artifacts"), path: "spec.artifacts",
          hint: "add `kubernetes: {file: DIR/v{version}}` with kubeadm, kubelet and kubectl, or \(name): {url, sha256}"))
        out.binaries[name] = LocalArtifact(path: "(no artifact)/\(name)", sha256: nil)
      }
    }
    if let a = inv.artifacts["containerd"], case .file(let raw) = a.source, let v = inv.versions.containerd {
      let dir = expand(raw, v)
      let debs = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".deb") }.sorted()
      if debs.isEmpty {
        out.diagnostics.append(.warning("artifact-absent", "no .deb packages in \(dir)",
          at: inv.sourceMap.location("spec.artifacts.containerd"), path: "spec.artifacts.containerd",
          hint: "`make artifacts` puts Debian's containerd and runc there"))
      }
      if !debs.isEmpty, let refusal = ContainerdRelease.cacheRefusal(wanted: v, directory: dir, files: debs) {
        out.diagnostics.append(.error("containerd-version-absent", refusal,
          at: inv.sourceMap.location("spec.versions.containerd"), path: "spec.versions.containerd",
          hint: "put that version's containerd and runc .debs there (`bulwark lab artifacts` caches 1.6.20, 1.7.24 and 2.1.9), or ask for one it holds"))
      }
      out.containerdPackages = debs.map { local("\(dir)/\($0)", sha: nil, key: "containerd") }
    }
    if let v = inv.versions.containerd, ContainerdRelease.configVersion(major: v.major) == nil {
      out.diagnostics.append(.error("containerd-major-unsupported",
        "containerd \(v): Bulwark writes configs for containerd \(ContainerdRelease.supportedMajors.map { "\($0).x" }.joined(separator: " and ")) only",
        at: inv.sourceMap.location("spec.versions.containerd"), path: "spec.versions.containerd",
        hint: "pin a containerd 1.x or 2.x release"))
    }
    if let cni = inv.kubernetes.cni {
      if let a = inv.artifacts["cni"], case .file(let raw) = a.source {
        out.cniManifest = local(expand(raw, cni.version), sha: a.sha256, key: "cni")
      } else {
        out.diagnostics.append(.warning("artifact-missing", "no artifact gives the \(cni.plugin.rawValue) \(cni.version) manifest",
          at: inv.sourceMap.location("spec.kubernetes.cni"), path: "spec.artifacts",
          hint: "add `cni: {file: DIR/\(cni.plugin.rawValue)-v{version}.yaml}`"))
        out.cniManifest = LocalArtifact(path: "(no artifact)/\(cni.plugin.rawValue)-\(cni.version).yaml", sha256: nil)
      }
    }
    let node = NodePackages.resolve(inv, inventoryDirectory: inventoryDirectory)
    out.nodePackages = node.debs
    out.diagnostics += node.diagnostics
    return out
  }
}
