import Foundation
import Inventory
import Kubernetes
import Support
import TestSupport
import Testing

/// containerd at exactly the inventory's version: the version words hosts and packages report, the
/// "already installed" check run against a fake `containerd --version`, the repository install
/// refusing a version apt does not offer, and the cache refusing a directory without it.
@Suite struct ContainerdTests {
  /// What `containerd --version` prints (Debian 12, Debian 13, Debian unstable, upstream's release
  /// binaries), and the upstream version in it.
  static let versionLines: [(String, String)] = [
    ("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3", "1.6.20"),
    ("containerd github.com/containerd/containerd 1.7.24~ds1 1.7.24~ds1-6+deb13u1", "1.7.24"),
    ("containerd github.com/containerd/containerd/v2 2.1.9+unknown ", "2.1.9"),
    ("containerd github.com/containerd/containerd v1.7.22 7f7fdf5fed64eb6a7caf99b3e12efcf9d60e311c", "1.7.22"),
  ]

  @Test(arguments: [
    ("1.6.20~ds1-1+deb12u3", "1.6.20"), ("1:1.6.20~ds1-1+deb12u3", "1.6.20"), ("2.1.9+ds1-5", "2.1.9"),
    ("2.1.9+unknown", "2.1.9"), ("v1.7.22", "1.7.22"), ("1.7.22", "1.7.22"), ("1.7.24~ds1-6+deb13u1", "1.7.24"),
  ])
  func theUpstreamVersionOfAPackageVersion(word: String, upstream: String) {
    #expect(ContainerdRelease.upstreamVersion(word) == upstream)
  }

  @Test func theConfigSchemaFollowsTheMajorVersion() {
    #expect(ContainerdRelease.configVersion(major: 1) == 2)
    #expect(ContainerdRelease.configVersion(major: 2) == 3)
    #expect(ContainerdRelease.configVersion(major: 3) == nil)
    #expect(NodeFiles.containerdConfig(sandboxImage: "p", containerd: Version("1.7.22")!).contains("version = 2\n"))
    #expect(NodeFiles.containerdConfig(sandboxImage: "p", containerd: Version("2.1.9")!).contains("version = 3\n"))
  }

  /// The installed check holds only for exactly the pinned version; the old check (a dpkg version
  /// prefix) took 1.7.22 for 1.7.2 and never saw a containerd dpkg does not list.
  @Test(arguments: versionLines)
  func theInstalledCheckComparesTheReportedVersion(line: String, upstream: String) async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.tool("containerd", "printf '%s\\n' \(ShellQuoting.quote(line))")
    let path = "PATH='\(dir.path)':\"$PATH\"; "
    let same = try await dir.run(["-c", path + KubernetesScripts.containerdInstalled(version: Version(upstream)!)])
    #expect(same.status == 0, "\(line) is containerd \(upstream): \(same.err)")
    let parts = upstream.split(separator: ".").compactMap { Int($0) }
    var others = ["\(parts[0]).\(parts[1]).\(parts[2] + 1)", "\(parts[0]).\(parts[1]).\(parts[2])0",
                  "\(parts[0]).\(parts[1] + 1).\(parts[2])"]
    // A prefix of the installed version (1.7.2 of 1.7.22), which the old dpkg-prefix check took.
    if parts[2] >= 10 { others.append("\(parts[0]).\(parts[1]).\(parts[2] / 10)") }
    for other in others {
      let r = try await dir.run(["-c", path + KubernetesScripts.containerdInstalled(version: Version(other)!)])
      #expect(r.status != 0, "\(line) is not containerd \(other)")
    }
  }

  @Test func noContainerdIsNotInstalled() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let r = try await dir.run(["-c", "PATH='\(dir.path)'; " + KubernetesScripts.containerdInstalled(version: Version("2.1.9")!)])
    #expect(r.status != 0)
  }

  /// apt offers Debian 12's 1.6.20 only: asking for 1.7.22 installs nothing and says which host,
  /// what was wanted and what is there; asking for 1.6.20 installs exactly that package version.
  @Test func theRepositoryInstallTakesTheExactVersionOrRefuses() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.tool("apt-cache", """
      printf ' containerd | 1.6.20~ds1-1+deb12u3 | http://deb.debian.org/debian bookworm/main amd64 Packages\\n'
      printf ' containerd | 1.6.20~ds1-1+deb12u1 | http://deb.debian.org/debian bookworm/main amd64 Packages\\n'
      """)
    try dir.tool("apt-get", "echo \"$@\" >> '\(dir.path)/apt-get.log'")
    let path = "PATH='\(dir.path)':\"$PATH\"; "
    let refused = try await dir.run(["-c", path + KubernetesScripts.installContainerdFromRepositories(host: "worker-dc1-1", version: Version("1.7.22")!)])
    #expect(refused.status == 1)
    #expect(refused.err.contains("worker-dc1-1: containerd 1.7.22 is wanted, but the package repositories offer: 1.6.20~ds1-1+deb12u3 1.6.20~ds1-1+deb12u1"), "\(refused.err)")
    #expect(!FileManager.default.fileExists(atPath: dir.path + "/apt-get.log"))
    let installed = try await dir.run(["-c", path + KubernetesScripts.installContainerdFromRepositories(host: "worker-dc1-1", version: Version("1.6.20")!)])
    #expect(installed.status == 0, "\(installed.err)")
    let log = (try? String(contentsOfFile: dir.path + "/apt-get.log", encoding: .utf8)) ?? ""
    #expect(log == "install -y --no-install-recommends containerd=1.6.20~ds1-1+deb12u3\n")
  }

  @Test func noRepositoryIsARefusalToo() async throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.tool("apt-cache", "exit 0")
    let r = try await dir.run(["-c", "PATH='\(dir.path)':\"$PATH\"; " + KubernetesScripts.installContainerdFromRepositories(host: "cp-1", version: Version("2.1.9")!)])
    #expect(r.status == 1)
    #expect(r.err.contains("cp-1: containerd 2.1.9 is wanted, but the package repositories offer: nothing"), "\(r.err)")
  }

  @Test func aCacheWithoutTheVersionIsRefused() {
    let files = ["containerd_1.6.20~ds1-1+deb12u3_amd64.deb", "runc_1.1.5+ds1-1+deb12u1_amd64.deb"]
    #expect(ContainerdRelease.cacheRefusal(wanted: Version("1.6.20")!, directory: "/c/v1.6.20", files: files) == nil)
    #expect(ContainerdRelease.cacheRefusal(wanted: Version("1.7.22")!, directory: "/c/v1.7.22", files: files)
      == "the inventory asks for containerd 1.7.22, but /c/v1.7.22 holds containerd 1.6.20")
    #expect(ContainerdRelease.cacheRefusal(wanted: Version("2.1.9")!, directory: "/c", files: ["runc_1.1.5_amd64.deb"])
      == "the inventory asks for containerd 2.1.9, but /c holds no containerd package")
    #expect(ContainerdRelease.packageVersion(fileName: "containerd_2.1.9+ds1-5_amd64.deb") == "2.1.9")
    #expect(ContainerdRelease.packageVersion(fileName: "containerd-shim_1.0_amd64.deb") == nil)
  }

  /// The inventory's containerd picks the config: 1.x gets version 2, 2.x version 3 (goldens).
  @Test(arguments: [("1.7.22", "containerd-config-v2.toml"), ("2.1.9", "containerd-config-v3.toml")])
  func theConfigMatchesItsGolden(version: String, golden: String) {
    let config = NodeFiles.containerdConfig(sandboxImage: "registry.k8s.io/pause:3.10", containerd: Version(version)!)
    if let diff = goldenMismatch(config, file: repositoryRoot() + "/Tests/KubernetesTests/Goldens/\(golden)") {
      Issue.record("\(diff)")
    }
  }
}

extension ScratchDirectory {
  /// An executable `name` in this directory running `body` with /bin/sh.
  func tool(_ name: String, _ body: String) throws {
    try FakeCommand.write("#!/bin/sh\n\(body)\n", to: path + "/" + name)
  }
}
