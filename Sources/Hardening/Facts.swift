import Support
import Inventory
import Remote

/// What one host says, as `key=value` facts: effective sshd settings, file modes and owners, kernel
/// parameters (and whether this host may set them), weak moduli, the running etcd's flags and the
/// loaded firewall's marker. Gathered in one round trip; parsed by a pure function.
public struct HostFacts: Sendable, Equatable {
  public var values: [String: String]
  /// Kernel parameters this host cannot write (the kernel is shared, as in a container).
  public var readOnly: Set<String>

  public init(values: [String: String] = [:], readOnly: Set<String> = []) {
    self.values = values
    self.readOnly = readOnly
  }
}

public enum HostProbe {
  /// Every fact the given checks read, in one script.
  public static func command(_ checks: [Check]) -> RemoteCommand {
    var paths: [String] = [], keys: [String] = []
    for c in checks {
      if c.fact.hasPrefix("stat.") {
        let path = String(c.fact.dropFirst(5).split(separator: ".").dropLast().joined(separator: "."))
        if !paths.contains(path) { paths.append(path) }
      } else if c.fact.hasPrefix("sysctl.") {
        let key = String(c.fact.dropFirst(7))
        if !keys.contains(key) { keys.append(key) }
      }
    }
    let script = """
      sshd -T 2>/dev/null | sed -n 's/^\\([a-z0-9]*\\) \\(.*\\)$/sshd.\\1=\\2/p'
      for p in \(paths.map { ShellQuoting.quote($0) }.joined(separator: " ")); do
        stat --printf 'stat.%n.mode=%a\\nstat.%n.owner=%U:%G\\n' "$p" 2>/dev/null || printf 'stat.%s.mode=absent\\nstat.%s.owner=absent\\n' "$p" "$p"
      done
      for k in \(keys.joined(separator: " ")); do
        f=/proc/sys/$(echo "$k" | tr . /)
        if [ -r "$f" ]; then echo "sysctl.$k=$(cat "$f" | tr '\\t' ' ')"; else echo "sysctl.$k=absent"; fi
        [ -w "$f" ] || echo "readonly.$k"
      done
      if [ -r /etc/ssh/moduli ]; then echo "moduli.weak=$(awk '$5 < 2047 && $5 ~ /^[0-9]+$/' /etc/ssh/moduli | wc -l)"; fi
      pid=$(systemctl show -p MainPID --value etcd.service 2>/dev/null)
      if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -r /proc/$pid/cmdline ]; then
        tr '\\0' '\\n' < /proc/$pid/cmdline | sed -n 's/^--\\([^=]*\\)=\\(.*\\)$/etcd.\\1=\\2/p'
      fi
      if \(Firewall.unchanged); then
        echo "nft.bulwark=$(nft list table inet bulwark 2>/dev/null | sed -n 's/.*comment "\\(bulwark [0-9a-f]*\\)".*/\\1/p' | head -1)"
      else
        echo "nft.bulwark=$(nft list table inet bulwark >/dev/null 2>&1 && echo changed since Bulwark loaded it)"
      fi
      exit 0
      """
    return RemoteCommand(["sh", "-c", script])
  }

  public static func parse(_ output: String) -> HostFacts {
    var facts = HostFacts()
    for line in output.split(separator: "\n") {
      if line.hasPrefix("readonly.") {
        facts.readOnly.insert(String(line.dropFirst(9)))
        continue
      }
      guard let eq = line.firstIndex(of: "=") else { continue }
      facts.values[String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    return facts
  }
}
