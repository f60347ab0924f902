import Support

/// The preflight probe and the node-package scripts. They sit beside KubernetesScripts in their own
/// file because they are read together with `NodePreflight` and `NodePackages`; the same rules hold
/// (named, golden-tested, checked with `sh -n`, every value quoted).
extension KubernetesScripts {
  /// Read-only: what kubeadm's preflight will look at on this node, one `preflight KEY VALUE…` line
  /// per fact, always exit 0 (`NodePreflight.parse` reads it):
  /// `bin NAME yes|no`, `cpus N`, `mem-kib N`, `swaps N`, `cgroup FSTYPE`, `module NAME yes|no`,
  /// `sysctl KEY VALUE`, `port N free|PROCESS`, `hostname NAME`, `resolves yes|no`, `socket yes|no`.
  /// A port is taken when /proc/net/tcp or tcp6 lists a listener on it; its process comes from `ss`
  /// when that is installed. Names read from the host are cut to `[A-Za-z0-9._-]`.
  public static func nodePreflight(binaries: [String], ports: [Int], sysctls: [String], nodeName: String, socket: String) -> String {
    let token = "tr -c 'A-Za-z0-9._\\n-' '_'"
    var s: [String] = [
      "for b in \(line(binaries)); do if command -v \"$b\" >/dev/null 2>&1; then echo \"preflight bin $b yes\"; else echo \"preflight bin $b no\"; fi; done",
      "echo \"preflight cpus $(nproc 2>/dev/null || echo 0)\"",
      "v=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo); echo \"preflight mem-kib ${v:-unknown}\"",
      "v=$(wc -l < /proc/swaps 2>/dev/null); echo \"preflight swaps $((${v:-1} - 1))\"",
      "v=$(stat -fc %T /sys/fs/cgroup/ 2>/dev/null | \(token)); echo \"preflight cgroup ${v:-unknown}\"",
      "if grep -qw overlay /proc/filesystems; then echo 'preflight module overlay yes'; else echo 'preflight module overlay no'; fi",
      "if [ -d /proc/sys/net/bridge ]; then echo 'preflight module br_netfilter yes'; else echo 'preflight module br_netfilter no'; fi",
    ]
    for key in sysctls {
      let path = "/proc/sys/" + key.replacingOccurrences(of: ".", with: "/")
      s.append("v=$(cat \(q(path)) 2>/dev/null | \(token)); echo \"preflight sysctl \(key) ${v:-absent}\"")
    }
    s += [
      "for p in \(ports.map(String.init).joined(separator: " ")); do",
      "  hex=$(printf '%04X' \"$p\")",
      "  if awk -v p=\"$hex\" '$4 == \"0A\" { n = split($2, a, \":\"); if (a[n] == p) f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then",
      "    who=$(ss -Htlnp \"sport = :$p\" 2>/dev/null | sed -n 's/.*users:((\"\\([^\"]*\\)\".*/\\1/p' | head -1 | \(token))",
      "    echo \"preflight port $p ${who:-unknown}\"",
      "  else echo \"preflight port $p free\"; fi",
      "done",
      "v=$(hostname 2>/dev/null | \(token)); echo \"preflight hostname ${v:-unknown}\"",
      "if getent hosts \(q(nodeName)) >/dev/null 2>&1; then echo 'preflight resolves yes'; else echo 'preflight resolves no'; fi",
      "if [ -S \(q(socket)) ]; then echo 'preflight socket yes'; else echo 'preflight socket no'; fi",
    ]
    return s.joined(separator: "\n")
  }

  /// Exits 0 when every command in `binaries` is on PATH.
  public static func commandsPresent(_ binaries: [String]) -> String {
    binaries.map { "command -v \(q($0)) >/dev/null" }.joined(separator: " && ")
  }

  /// Installs `packages` from the host's package repositories; apt-get's exit code and output.
  public static func installPackagesFromRepositories(_ packages: [String]) -> String {
    "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \(line(packages))"
  }

  /// Installs, with dpkg, those of the .deb files `debs` whose package is not installed yet (a
  /// library the host already has, at whatever version, is left alone); dpkg's exit code.
  public static func installMissingDebs(_ debs: [String]) -> String {
    """
    set -- ; for deb in \(line(debs)); do pkg=$(dpkg-deb -f "$deb" Package) || exit; \
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || set -- "$@" "$deb"; done; \
    [ "$#" -eq 0 ] || DEBIAN_FRONTEND=noninteractive dpkg -i "$@"
    """
  }
}
