import Inventory
import Support

/// containerd's install scripts: the version check, and the install from the host's own package
/// repositories that takes exactly the inventory's version or refuses.
extension KubernetesScripts {
  /// The upstream version of the containerd on PATH, from `containerd --version` (its third word:
  /// "1.6.20~ds1" from Debian 12, "2.1.9+unknown" from Debian unstable, "v1.7.22" upstream), with
  /// what `ContainerdRelease.upstreamVersion` drops dropped; empty when there is none.
  static let runningContainerdVersion =
    #"v=$(containerd --version 2>/dev/null | awk '{print $3}'); v=${v#*:}; v=${v#v}; v=${v%%[~+-]*}"#

  /// Exits 0 when containerd is installed: the containerd on PATH reports exactly `version` when
  /// one is pinned (1.7.2 is not 1.7.22), any containerd on PATH when not.
  public static func containerdInstalled(version: Version?) -> String {
    guard let version else { return "command -v containerd >/dev/null && exit 0; echo 'containerd is not installed'; exit 1" }
    let want = q(version.description)
    return "\(runningContainerdVersion); [ \"$v\" = \(want) ] && exit 0; if [ -z \"$v\" ]; then echo 'containerd is not installed';"
      + " else printf 'containerd %s is installed, wants %s\\n' \"$v\" \(want); fi; exit 1"
  }

  /// Installs containerd `version` from the host's package repositories: the candidate apt knows
  /// whose upstream version is exactly `version`, with apt-get's exit code and output. When none
  /// is, it installs nothing, prints on stderr the host, the version wanted and the versions the
  /// repositories offer, and exits 1.
  public static func installContainerdFromRepositories(host: String, version: Version) -> String {
    """
    want=\(q(version.description)); pick=''; offered=''
    for c in $(apt-cache madison containerd 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'); do
      offered="$offered $c"; u=${c#*:}; u=${u%%[~+-]*}
      [ "$u" = "$want" ] && [ -z "$pick" ] && pick=$c
    done
    if [ -z "$pick" ]; then
      echo \(q("\(host): containerd \(version) is wanted, but the package repositories offer:"))"${offered:- nothing}"\(q("; put its .deb packages in the artifact cache (spec.artifacts.containerd) or change spec.versions.containerd")) >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "containerd=$pick"
    """
  }

  /// Installs whatever containerd the host's package repositories offer (no version pinned).
  public static func installAnyContainerdFromRepositories() -> String {
    "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends containerd"
  }
}
