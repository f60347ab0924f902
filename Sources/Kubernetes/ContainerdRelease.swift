import Inventory
import Support

/// What Bulwark knows about containerd releases: how to read a version a host or a package reports,
/// which config schema each major version takes, and whether a cached package is the one asked for.
///
/// Config versions (containerd/containerd docs/cri/config.md@00142976, "Config versions"): version 3
/// came with containerd 2.0 and renames the CRI plugins (`io.containerd.cri.v1.images`,
/// `io.containerd.cri.v1.runtime`); version 2 is what containerd 1.x reads (2.x still converts it,
/// but Bulwark writes each major's own schema).
public enum ContainerdRelease {
  /// The majors Bulwark renders a config for.
  public static let supportedMajors = [1, 2]

  /// The config `version` header for a containerd major version, nil for one Bulwark does not know.
  public static func configVersion(major: Int) -> Int? {
    switch major {
    case 1: 2
    case 2: 3
    default: nil
    }
  }

  /// The upstream version in a Debian package version or a `containerd --version` word:
  /// "1:1.6.20~ds1-1+deb12u3" and "1.6.20~ds1" give "1.6.20", "2.1.9+unknown" gives "2.1.9",
  /// "v1.7.22" gives "1.7.22". The epoch, a leading "v" and everything from the first "~", "+" or
  /// "-" are dropped (the shell check `containerdInstalled` does the same).
  public static func upstreamVersion(_ word: String) -> String {
    var s = Substring(word)
    if let colon = s.firstIndex(of: ":") { s = s[s.index(after: colon)...] }
    if s.hasPrefix("v") { s = s.dropFirst() }
    if let cut = s.firstIndex(where: { "~+-".contains($0) }) { s = s[..<cut] }
    return String(s)
  }

  /// The Debian package's upstream version from its file name (`containerd_2.1.9+ds1-5_amd64.deb`
  /// gives "2.1.9"); nil when the file is not a containerd package.
  public static func packageVersion(fileName: String) -> String? {
    guard fileName.hasPrefix("containerd_"), fileName.hasSuffix(".deb") else { return nil }
    let fields = fileName.dropLast(4).split(separator: "_", omittingEmptySubsequences: false)
    guard fields.count == 3 else { return nil }
    // Debian escapes an epoch's colon in file names as %3a.
    return upstreamVersion(String(fields[1]).replacingOccurrences(of: "%3a", with: ":"))
  }

  /// Why the cached packages in `directory` cannot give containerd `wanted`, or nil when one of
  /// them is exactly that version.
  public static func cacheRefusal(wanted: Version, directory: String, files: [String]) -> String? {
    let offered = files.compactMap(packageVersion(fileName:))
    if offered.contains(wanted.description) { return nil }
    let what = offered.isEmpty ? "no containerd package" : "containerd " + offered.joined(separator: ", ")
    return "the inventory asks for containerd \(wanted), but \(directory) holds \(what)"
  }
}
