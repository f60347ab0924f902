/// Writes `Policy` values as NetworkPolicy manifests. Every key and value that comes from input is
/// written as a double-quoted string, so no label can change the YAML's structure.
public enum PolicyYAML {
  public static func render(_ policies: [Policy]) -> String {
    policies.map(render).joined(separator: "---\n")
  }

  public static func render(_ p: Policy) -> String {
    var out = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: \(q(p.name))
        namespace: \(q(p.namespace))
      spec:

      """
    out += "  podSelector:" + selector(p.podSelector, indent: 4)
    var types: [String] = []
    if p.coversIngress { types.append("Ingress") }
    if p.coversEgress { types.append("Egress") }
    out += "  policyTypes: [\(types.joined(separator: ", "))]\n"
    if p.coversIngress && !p.ingress.isEmpty { out += "  ingress:\n" + rules(p.ingress, peersKey: "from") }
    if p.coversEgress && !p.egress.isEmpty { out += "  egress:\n" + rules(p.egress, peersKey: "to") }
    return out
  }

  private static func rules(_ rules: [PolicyRule], peersKey: String) -> String {
    var out = ""
    for rule in rules {
      var first = true
      func lead() -> String {
        defer { first = false }
        return first ? "  - " : "    "
      }
      if rule.peers.isEmpty && rule.ports.isEmpty { out += "  - {}\n"; continue }
      if !rule.peers.isEmpty {
        out += lead() + "\(peersKey):\n"
        for peer in rule.peers {
          switch peer {
          case .pods(let pods, let namespaces):
            var lines: [String] = []
            if let namespaces { lines.append("namespaceSelector:" + selector(namespaces, indent: 10)) }
            if let pods { lines.append("podSelector:" + selector(pods, indent: 10)) }
            out += "    - " + lines.joined(separator: "      ")
          case .ipBlock(let cidr, let except):
            out += "    - ipBlock:\n        cidr: \(q(cidr.description))\n"
            if !except.isEmpty { out += "        except: [\(except.map { q($0.description) }.joined(separator: ", "))]\n" }
          }
        }
      }
      if !rule.ports.isEmpty {
        out += lead() + "ports:\n"
        for port in rule.ports {
          out += "    - protocol: \(port.proto.rawValue)\n"
          switch port.port {
          case .number(let n)?: out += "      port: \(n)\n"
          case .named(let name)?: out += "      port: \(q(name))\n"
          case nil: break
          }
          if let end = port.endPort { out += "      endPort: \(end)\n" }
        }
      }
    }
    return out
  }

  /// ` {}` or the selector's fields on the following lines at `indent`.
  private static func selector(_ s: LabelSelector, indent: Int) -> String {
    if s.isEmpty { return " {}\n" }
    let pad = String(repeating: " ", count: indent)
    var out = "\n"
    if !s.matchLabels.isEmpty {
      out += pad + "matchLabels:\n"
      for pair in s.matchLabels { out += pad + "  \(q(pair.key)): \(q(pair.value))\n" }
    }
    if !s.matchExpressions.isEmpty {
      out += pad + "matchExpressions:\n"
      for r in s.matchExpressions {
        out += pad + "- key: \(q(r.key))\n" + pad + "  operator: \(r.op.rawValue)\n"
        if !r.values.isEmpty { out += pad + "  values: [\(r.values.map(q).joined(separator: ", "))]\n" }
      }
    }
    return out
  }

  /// A YAML double-quoted scalar (JSON string rules, which YAML shares).
  static func q(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 || u.value == 0x7F {
          out += "\\x" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
