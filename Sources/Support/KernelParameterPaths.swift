/// Where a kernel parameter lives under /proc/sys (`net.ipv4.ip_forward` ->
/// `/proc/sys/net/ipv4/ip_forward`), worked out here so a host's probe spends one `cat` per
/// parameter and no `tr`. (dash's `read` cannot be used: it reads a byte at a time, and a /proc/sys
/// file answers only the first read, so `32768\t60999` would come back as `3`.)
public enum KernelParameterPaths {
  public static func path(_ key: String) -> String {
    "/proc/sys/" + String(key.map { $0 == "." ? "/" : $0 })
  }

  /// `NAME 'key' '/proc/sys/…'` lines, one per key, for a shell function NAME taking the key and
  /// its path.
  public static func calls(_ function: String, _ keys: [String]) -> String {
    keys.map { "\(function) \(ShellQuoting.quote($0)) \(ShellQuoting.quote(path($0)))" }.joined(separator: "\n")
  }
}
