import Support
import Yams

/// A field of an object that Kubernetes would refuse: the whole object is left out of the analysis and
/// the diagnostic names the object, the field and the position.
struct InvalidField: Error {
  var diagnostic: Diagnostic
}

/// Reads one NetworkPolicy object into a `Policy`, applying the API's defaults and refusing what its
/// validation refuses (unknown operators, bad CIDRs, ports out of range, peers that select nothing).
struct PolicyDecoder {
  let access: NodeAccess
  let objectName: String  // "NetworkPolicy ns/name", for messages

  func decode(_ root: Node, namespace: String, name: String) throws(InvalidField) -> Policy {
    let spec = NodeAccess.child(root, "spec")
    let podSelector = try selector(spec.flatMap { NodeAccess.child($0, "podSelector") }, path: "spec.podSelector")
      ?? .everything
    let ingressNode = spec.flatMap { NodeAccess.child($0, "ingress") }
    let egressNode = spec.flatMap { NodeAccess.child($0, "egress") }
    var coversIngress = true, coversEgress = egressNode != nil
    if let typesNode = spec.flatMap({ NodeAccess.child($0, "policyTypes") }) {
      coversIngress = false
      coversEgress = false
      for (i, t) in NodeAccess.items(typesNode).enumerated() {
        switch NodeAccess.string(t) {
        case "Ingress": coversIngress = true
        case "Egress": coversEgress = true
        default:
          throw invalid("invalid-policy-type", "spec.policyTypes[\(i)]", t,
                        "\"\(NodeAccess.string(t) ?? "")\" is not Ingress or Egress")
        }
      }
    }
    let ingress = try rules(ingressNode, path: "spec.ingress", peersKey: "from")
    let egress = try rules(egressNode, path: "spec.egress", peersKey: "to")
    return Policy(namespace: namespace, name: name, podSelector: podSelector,
                  coversIngress: coversIngress, coversEgress: coversEgress,
                  ingress: ingress, egress: egress, source: access.location(root))
  }

  private func rules(_ node: Node?, path: String, peersKey: String) throws(InvalidField) -> [PolicyRule] {
    var out: [PolicyRule] = []
    for (i, ruleNode) in NodeAccess.items(node).enumerated() {
      let rulePath = "\(path)[\(i)]"
      var peers: [Peer] = []
      for (j, peerNode) in NodeAccess.items(NodeAccess.child(ruleNode, peersKey)).enumerated() {
        peers.append(try peer(peerNode, path: "\(rulePath).\(peersKey)[\(j)]"))
      }
      var ports: [PortSpec] = []
      for (j, portNode) in NodeAccess.items(NodeAccess.child(ruleNode, "ports")).enumerated() {
        ports.append(try port(portNode, path: "\(rulePath).ports[\(j)]"))
      }
      out.append(PolicyRule(peers: peers, ports: ports, source: access.location(ruleNode)))
    }
    return out
  }

  private func peer(_ node: Node, path: String) throws(InvalidField) -> Peer {
    let pods = try selector(NodeAccess.child(node, "podSelector"), path: path + ".podSelector")
    let namespaces = try selector(NodeAccess.child(node, "namespaceSelector"), path: path + ".namespaceSelector")
    if let block = NodeAccess.child(node, "ipBlock") {
      guard pods == nil, namespaces == nil else {
        throw invalid("invalid-peer", path, node, "ipBlock cannot be combined with podSelector or namespaceSelector")
      }
      let cidrNode = NodeAccess.child(block, "cidr")
      let cidr = try parseCIDR(cidrNode, path: path + ".ipBlock.cidr", at: cidrNode ?? block)
      var except: [CIDR] = []
      for (k, e) in NodeAccess.items(NodeAccess.child(block, "except")).enumerated() {
        let p = "\(path).ipBlock.except[\(k)]"
        let c = try parseCIDR(e, path: p, at: e)
        guard c.range.family == cidr.range.family, cidr.range.contains(c.range), c.range != cidr.range else {
          throw invalid("invalid-cidr", p, e, "\(c) is not strictly inside the block's cidr \(cidr)")
        }
        except.append(c)
      }
      return .ipBlock(cidr: cidr, except: except)
    }
    guard pods != nil || namespaces != nil else {
      throw invalid("invalid-peer", path, node, "a peer needs a podSelector, a namespaceSelector or an ipBlock")
    }
    return .pods(pods: pods, namespaces: namespaces)
  }

  private func parseCIDR(_ node: Node?, path: String, at anchor: Node) throws(InvalidField) -> CIDR {
    guard let text = NodeAccess.string(node) else { throw invalid("invalid-cidr", path, anchor, "missing cidr") }
    do {
      return try CIDR(parsing: text)
    } catch {
      throw invalid("invalid-cidr", path, anchor, "\"\(text)\" is not a CIDR such as 10.0.0.0/8 or fd00::/8")
    }
  }

  private func port(_ node: Node, path: String) throws(InvalidField) -> PortSpec {
    var spec = PortSpec()
    if let protoNode = NodeAccess.child(node, "protocol") {
      guard let text = NodeAccess.string(protoNode), let proto = L4Protocol(rawValue: text) else {
        throw invalid("invalid-port", path + ".protocol", protoNode,
                      "\"\(NodeAccess.string(protoNode) ?? "")\" is not TCP, UDP or SCTP")
      }
      spec.proto = proto
    }
    if let portNode = NodeAccess.child(node, "port") {
      guard let text = NodeAccess.string(portNode) else {
        throw invalid("invalid-port", path + ".port", portNode, "a port is a number or a name")
      }
      if let n = Int(text) {
        guard PortSet.allPorts.contains(n) else {
          throw invalid("invalid-port", path + ".port", portNode, "port \(n) is outside 1-65535")
        }
        spec.port = .number(n)
      } else {
        guard Self.isPortName(text) else {
          throw invalid("invalid-port", path + ".port", portNode,
                        "\"\(text)\" is neither a port number nor a valid port name (1-15 lowercase letters, digits, '-')")
        }
        spec.port = .named(text)
      }
    }
    if let endNode = NodeAccess.child(node, "endPort") {
      let p = path + ".endPort"
      guard let text = NodeAccess.string(endNode), let end = Int(text), PortSet.allPorts.contains(end) else {
        throw invalid("invalid-port", p, endNode, "endPort must be a number from 1 to 65535")
      }
      guard case .number(let start)? = spec.port else {
        throw invalid("invalid-port", p, endNode, "endPort needs a numeric port")
      }
      guard end >= start else {
        throw invalid("invalid-port", p, endNode, "endPort \(end) is below port \(start)")
      }
      spec.endPort = end
    }
    return spec
  }

  /// Nil when the field is absent (which differs from `{}`, an empty selector that matches everything).
  private func selector(_ node: Node?, path: String) throws(InvalidField) -> LabelSelector? {
    guard let node else { return nil }
    guard case .mapping = node else { throw invalid("invalid-selector", path, node, "a selector is a mapping") }
    let labels = NodeAccess.stringMap(NodeAccess.child(node, "matchLabels"))
    var requirements: [LabelSelector.Requirement] = []
    for (i, e) in NodeAccess.items(NodeAccess.child(node, "matchExpressions")).enumerated() {
      let p = "\(path).matchExpressions[\(i)]"
      guard let key = NodeAccess.string(NodeAccess.child(e, "key")), !key.isEmpty else {
        throw invalid("invalid-selector", p + ".key", e, "a requirement needs a key")
      }
      let opNode = NodeAccess.child(e, "operator")
      let opText = NodeAccess.string(opNode) ?? ""
      guard let op = LabelSelector.Operator(rawValue: opText) else {
        throw invalid("invalid-selector", p + ".operator", opNode ?? e,
                      "\"\(opText)\" is not a selector operator (In, NotIn, Exists, DoesNotExist)")
      }
      let values = NodeAccess.items(NodeAccess.child(e, "values")).compactMap { NodeAccess.string($0) }
      let needsValues = op == .in || op == .notIn
      if needsValues && values.isEmpty {
        throw invalid("invalid-selector", p + ".values", e, "\(op.rawValue) needs at least one value")
      }
      if !needsValues && !values.isEmpty {
        throw invalid("invalid-selector", p + ".values", e, "\(op.rawValue) takes no values")
      }
      requirements.append(.init(key: key, op: op, values: values))
    }
    return LabelSelector(matchLabels: labels, matchExpressions: requirements)
  }

  private func invalid(_ code: String, _ path: String, _ node: Node, _ message: String) -> InvalidField {
    InvalidField(diagnostic: .error(code, "\(objectName): \(path): \(message)", at: access.location(node), path: path))
  }

  /// Kubernetes' IANA_SVC_NAME: 1-15 of [a-z0-9-], at least one letter, no leading, trailing or double '-'.
  static func isPortName(_ s: String) -> Bool {
    let chars = Array(s.utf8)
    guard (1...15).contains(chars.count), chars.first != UInt8(ascii: "-"), chars.last != UInt8(ascii: "-"),
          !s.contains("--")
    else { return false }
    var letter = false
    for c in chars {
      switch c {
      case UInt8(ascii: "a")...UInt8(ascii: "z"): letter = true
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
      default: return false
      }
    }
    return letter
  }
}
