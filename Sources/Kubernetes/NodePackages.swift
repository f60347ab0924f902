import Foundation
import Inventory
import Planning
import Support

/// The packages kubeadm's preflight needs on PATH (and conntrack, Bulwark's choice; see
/// `NodePreflight.bulwarkBinaries`), from the hosts' package repositories or, airgapped, from the
/// `.deb` files of `artifacts.nodePackages.file` (a directory; `bulwark lab artifacts` fills one with
/// Debian 12's conntrack and iptables and the libraries they need). Checksums come from the
/// `SHA256SUMS` manifest above the directory.
public enum NodePackages {
  public static let artifactKey = "nodePackages"

  public static func resolve(_ inv: Inventory, inventoryDirectory: String) -> (debs: [LocalArtifact], diagnostics: [Diagnostic]) {
    guard let a = inv.artifacts[artifactKey], case .file(let raw) = a.source else { return ([], []) }
    let dir = raw.hasPrefix("/") ? raw : "\(inventoryDirectory)/\(raw)"
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".deb") }.sorted()
    let key = "spec.artifacts.\(artifactKey)"
    guard !names.isEmpty else {
      return ([], [.warning("artifact-absent", "no .deb packages in \(dir); node preparation will fall back to the hosts' repositories",
        at: inv.sourceMap.location(key), path: key, hint: "`bulwark lab artifacts` puts Debian 12's conntrack and iptables there")])
    }
    let manifest = Manifest.find(above: dir)
    return (names.map { LocalArtifact(path: "\(dir)/\($0)", sha256: manifest?.sha256(of: "\(dir)/\($0)")) }, [])
  }
}

extension KubernetesKinds {
  /// `node.packages`: the binaries kubeadm's preflight looks for, installed when any is missing.
  static func nodePackages(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    guard let version = c.inventory.versions.kubernetes, let r = KubernetesRequirements.forVersion(version) else { return [] }
    let binaries = NodePreflight.installedBinaries(r)
    let present = sh(KubernetesScripts.commandsPresent(binaries))
    let what = binaries.joined(separator: ", ")
    guard !i.artifacts.nodePackages.isEmpty else {
      let packages = NodePreflight.packages(r)
      return [StepDraft("packages", "\(what) in PATH: \(packages.joined(separator: " ")) from the host's package repositories", action: .run,
        .command(argv: sh(KubernetesScripts.installPackagesFromRepositories(packages)), unless: present))]
    }
    let (uploads, remote) = debUploads(i.artifacts.nodePackages, step: "deb")
    var drafts = uploads
    drafts.append(StepDraft("packages", "\(what) in PATH: the packages not yet installed of those \(remote.count) (dpkg)", action: .run,
      .command(argv: sh(KubernetesScripts.installMissingDebs(remote)), unless: present)))
    return drafts
  }

  /// The directory the packages go to, and one upload of each `.deb` from the artifact cache into
  /// it; with the paths they land at.
  static func debUploads(_ debs: [LocalArtifact], step: String) -> (drafts: [StepDraft], remote: [String]) {
    var drafts = [StepDraft("\(step)-dir", "directory \(KubernetesPaths.packages)", action: .create,
      .directory(path: KubernetesPaths.packages, mode: 0o700, owner: "root", group: "root"))]
    var remote: [String] = []
    for deb in debs {
      let name = String(deb.path.split(separator: "/").last ?? "")
      let path = "\(KubernetesPaths.packages)/\(name)"
      remote.append(path)
      drafts.append(StepDraft(step, "\(name) from the artifact cache (sha256 \(deb.shortDigest))", action: .create,
        .upload(source: deb.path, path: path, sha256: deb.sha256, mode: 0o644, owner: "root", group: "root")))
    }
    return (drafts, remote)
  }
}
