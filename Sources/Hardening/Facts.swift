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
  /// Every fact the given checks read, in one script (`HardeningScripts.hostProbe`): each path and
  /// kernel parameter once, in catalogue order.
  public static func command(_ checks: [Check]) -> RemoteCommand { .scriptOnStdin(script(checks)) }

  public static func script(_ checks: [Check]) -> String {
    var paths: [String] = [], keys: [String] = [], keywords: [String] = [], units: [String] = []
    for c in checks {
      if case .sshd(let directive, _) = c.remedy, !keywords.contains(directive.lowercased()) { keywords.append(directive.lowercased()) }
      if c.fact.hasPrefix("unit.") { units.append(String(c.fact.dropFirst(5))) }
      if c.fact.hasPrefix("stat.") {
        let path = String(c.fact.dropFirst(5).split(separator: ".").dropLast().joined(separator: "."))
        if !paths.contains(path) { paths.append(path) }
      } else if c.fact.hasPrefix("sysctl.") {
        let key = String(c.fact.dropFirst(7))
        if !keys.contains(key) { keys.append(key) }
      }
    }
    return HardeningScripts.hostProbe(paths: paths, sysctlKeys: keys, sshdKeywords: keywords, units: units)
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
