import Advisories
import SafeYAML
import Support
import Yams

/// Reads an inventory file into the model. Returns the model (when the document had the right
/// shape) together with every problem found while reading; semantic rules run afterwards in
/// `InventoryValidator`.
public struct InventoryLoader: Sendable {
  public static let apiVersion = "bulwark.dev/v1alpha1"
  public var yaml: YAMLLoader

  public init(yaml: YAMLLoader = YAMLLoader()) { self.yaml = yaml }

  public struct Loaded: Sendable {
    public var inventory: Inventory?
    public var diagnostics: [Diagnostic]
    /// Some hosts could not be read; rules that count members are skipped to avoid false alarms.
    public var hostsIncomplete: Bool
  }

  public func load(path: String, displayName: String? = nil) -> Loaded {
    switch yaml.load(path: path, displayName: displayName) {
    case .failure(let e): return Loaded(inventory: nil, diagnostics: e.diagnostics, hostsIncomplete: true)
    case .success(let doc): return decode(doc)
    }
  }

  public func load(bytes: [UInt8], file: String) -> Loaded {
    switch yaml.parse(bytes, file: file) {
    case .failure(let e): return Loaded(inventory: nil, diagnostics: e.diagnostics, hostsIncomplete: true)
    case .success(let doc): return decode(doc)
    }
  }

  func decode(_ doc: YAMLDocument) -> Loaded {
    let reader = NodeReader(file: doc.file, expectedNodes: doc.nodeCount)
    var decoder = Decoder(reader: reader)
    let inventory = decoder.document(doc.root)
    return Loaded(inventory: inventory, diagnostics: reader.diagnostics, hostsIncomplete: decoder.hostsIncomplete)
  }
}

/// One pass over the tree; every accessor reports its own problems.
private struct Decoder {
  let reader: NodeReader
  var hostsIncomplete = false

  init(reader: NodeReader) { self.reader = reader }

  mutating func document(_ root: Node) -> Inventory? {
    guard let top = reader.fields(root, at: "", known: ["apiVersion", "kind", "metadata", "spec"]) else { return nil }
    if let v = top.string("apiVersion", required: true), v != InventoryLoader.apiVersion {
      reader.error(
        "invalid-value", "unsupported apiVersion \"\(v)\"", at: top.value("apiVersion")!, path: "apiVersion",
        hint: "this version of Bulwark reads \(InventoryLoader.apiVersion)")
    }
    if let k = top.string("kind", required: true), k != "Cluster" {
      reader.error("invalid-value", "kind must be \"Cluster\", found \"\(k)\"", at: top.value("kind")!, path: "kind")
    }
    let name = top.object("metadata", known: ["name"], required: true) { m -> String? in
      guard let n = m.string("name", required: true) else { return nil }
      if !isDNSLabel(n) {
        reader.error(
          "invalid-value", "cluster name \"\(n)\" is not a DNS label", at: m.value("name")!, path: m.path("name"),
          hint: "use lowercase letters, digits and '-', at most 63 characters")
      }
      return n
    }
    let specKeys = [
      "versions", "network", "etcd", "failureDomains", "endpoint", "siteEndpoints", "sites", "hosts", "ssh",
      "artifacts", "hardening", "kubernetes", "security",
    ]
    guard let specNode = top.node("spec", required: true),
      let spec = reader.fields(specNode, at: "spec", known: specKeys)
    else { return nil }

    let versions = spec.object("versions", known: ["kubernetes", "etcd", "containerd"], required: true) { v in
      Versions(
        kubernetes: version(v, "kubernetes"), etcd: version(v, "etcd", required: true) ?? Version("0.0.0")!,
        containerd: version(v, "containerd"))
    }
    let network = network(spec)
    let etcd =
      spec.object("etcd", known: ["topology", "allowSingleMember"]) { e in
        EtcdSettings(
          topology: e.choice("topology", EtcdTopology.self) ?? .external,
          allowSingleMember: e.bool("allowSingleMember") ?? false)
      } ?? EtcdSettings(topology: .external, allowSingleMember: false)
    let failureDomains =
      spec.object("failureDomains", known: ["acceptSiteQuorumLoss"]) { f in
        FailureDomainPolicy(acceptSiteQuorumLoss: f.bool("acceptSiteQuorumLoss") ?? false)
      } ?? FailureDomainPolicy(acceptSiteQuorumLoss: false)
    let endpoint = spec.node("endpoint").flatMap { self.endpoint($0, at: "spec.endpoint", perSite: false) }
    let siteEndpoints = spec.list("siteEndpoints") { n, p in self.endpoint(n, at: p, perSite: true) } ?? []
    let sites = spec.list("sites") { n, p in self.site(n, at: p) } ?? []
    let ssh = sshDefaults(spec)
    var hosts: [ClusterHost] = []
    if let list = spec.list("hosts", required: true, { n, p -> ClusterHost? in self.host(n, at: p, ssh: ssh) }) {
      hosts = list
      if let n = spec.value("hosts")?.sequence?.count, n != list.count { hostsIncomplete = true }
    } else {
      hostsIncomplete = true
    }
    let artifacts = self.artifacts(spec)
    let hardening = self.hardening(spec)
    let kubernetes = self.kubernetes(spec)
    let security = self.security(spec)

    guard let name, let versions, let network else { return nil }
    return Inventory(
      name: name, versions: versions, network: network, etcd: etcd, failureDomains: failureDomains,
      endpoint: endpoint, siteEndpoints: siteEndpoints, sites: sites, hosts: hosts, ssh: ssh,
      artifacts: artifacts, hardening: hardening, kubernetes: kubernetes, security: security,
      sourceMap: SourceMap(file: reader.file, locations: reader.locations))
  }

  /// Reads a text field through a parser, or reports the value with a hint on how to write it.
  func parsed<T>(
    _ f: Fields, _ key: String, required: Bool = false, _ parse: (String) -> T?, code: String, what: String,
    hint: String
  ) -> T? {
    guard let text = f.string(key, required: required) else { return nil }
    if let value = parse(text) { return value }
    reader.error(code, "\"\(text)\" is not \(what)", at: f.value(key)!, path: f.path(key), hint: hint)
    return nil
  }

  func version(_ f: Fields, _ key: String, required: Bool = false) -> Version? {
    parsed(f, key, required: required, Version.init, code: "invalid-version", what: "a version",
      hint: "write MAJOR.MINOR.PATCH, for example 1.31.2")
  }

  func cidr(_ f: Fields, _ key: String, default fallback: String? = nil) -> CIDR? {
    guard f.has(key) else { return fallback.flatMap(CIDR.init) }
    return parsed(f, key, CIDR.init, code: "invalid-cidr", what: "a CIDR",
      hint: "write ADDRESS/PREFIX, for example 10.244.0.0/16")
  }

  func address(_ f: Fields, _ key: String, required: Bool = false) -> HostAddress? {
    parsed(f, key, required: required, HostAddress.init, code: "invalid-address", what: "an IP address or host name",
      hint: "write an IPv4 or IPv6 address, or a DNS name")
  }

  func network(_ spec: Fields) -> ClusterNetwork? {
    let defaults = (pod: "10.244.0.0/16", service: "10.96.0.0/12")
    guard spec.has("network") else {
      return ClusterNetwork(
        podCIDR: CIDR(defaults.pod)!, serviceCIDR: CIDR(defaults.service)!, clusterDomain: "cluster.local")
    }
    return spec.object("network", known: ["podCIDR", "serviceCIDR", "clusterDomain"]) { n in
      let pod = cidr(n, "podCIDR", default: defaults.pod)
      let service = cidr(n, "serviceCIDR", default: defaults.service)
      let domain = n.string("clusterDomain") ?? "cluster.local"
      guard let pod, let service else { return nil }
      return ClusterNetwork(podCIDR: pod, serviceCIDR: service, clusterDomain: domain)
    }
  }

  func endpoint(_ node: Node, at path: String, perSite: Bool) -> APIEndpoint? {
    var known = ["mode", "address", "port", "carriers", "interface"]
    if perSite { known.append("sites") }
    guard let f = reader.fields(node, at: path, known: known) else { return nil }
    guard let mode = f.choice("mode", EndpointMode.self, required: true) else { return nil }
    var address: HostAddress?
    var port = 6443
    if let text = f.string("address") {
      // "host:port" is accepted for load balancers; an IPv6 address with a port needs brackets.
      var host = text
      if HostAddress(text) == nil, let colon = text.lastIndex(of: ":"),
        let p = Int(text[text.index(after: colon)...]), (1...65535).contains(p)
      {
        host = String(text[..<colon]).trimmingBrackets()
        port = p
      }
      if let a = HostAddress(host) {
        address = a
      } else {
        reader.error(
          "invalid-address", "\"\(text)\" is not an address", at: f.value("address")!, path: f.path("address"),
          hint: "write an IP, a DNS name, or ADDRESS:PORT")
      }
    }
    if let p = f.int("port", in: 1...65535) { port = p }
    let carriers: Role? = f.choice("carriers", Role.self)
    if let c = carriers, c != .controlPlane, c != .lb {
      reader.error(
        "invalid-value", "carriers must be control-plane or lb", at: f.value("carriers")!, path: f.path("carriers"))
    }
    switch mode {
    case .vip, .loadBalancer:
      if address == nil, !f.has("address") {
        reader.error(
          "missing-field", "endpoint mode \(mode.rawValue) needs an address", at: node, path: f.path("address"))
      }
      if mode == .vip, let a = address, a.ip == nil {
        reader.error(
          "invalid-address", "a VIP must be an IP address, not a name", at: f.value("address")!,
          path: f.path("address"))
      }
    case .localProxy:
      if f.has("address") {
        reader.error(
          "invalid-value", "localProxy endpoints have no address: every node uses 127.0.0.1",
          at: f.value("address")!, path: f.path("address"), hint: "remove the address")
      }
    }
    if mode != .vip, f.has("carriers") || f.has("interface") {
      let key = f.has("carriers") ? "carriers" : "interface"
      reader.error(
        "invalid-value", "\(key) applies only to vip endpoints", at: f.value(key)!, path: f.path(key))
    }
    let sites = perSite ? (f.strings("sites", required: true) ?? []) : []
    return APIEndpoint(
      mode: mode, address: address, port: port, carriers: mode == .vip ? carriers : nil,
      interface: f.string("interface"), sites: sites, path: path)
  }

  func site(_ node: Node, at path: String) -> Site? {
    guard let f = reader.fields(node, at: path, known: ["name", "kind", "cidr", "bastion"]) else { return nil }
    let name = f.string("name", required: true)
    let kind = f.choice("kind", SiteKind.self, required: true)
    let cidr = cidr(f, "cidr")
    let bastion = f.object("bastion", known: ["address", "port", "user", "key", "hostKey"]) { b -> Bastion? in
      guard let address = address(b, "address", required: true) else { return nil }
      return Bastion(
        address: address, port: b.int("port", in: 1...65535) ?? 22, user: b.string("user") ?? "root",
        key: b.string("key"), hostKey: hostKey(b, "hostKey"))
    }
    guard let name, let kind else { return nil }
    return Site(name: name, kind: kind, cidr: cidr, bastion: bastion, path: path)
  }

  func hostKey(_ f: Fields, _ key: String) -> String? {
    guard let text = f.string(key) else { return nil }
    let parts = text.split(separator: " ")
    let types = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]
    if parts.count >= 2, types.contains(String(parts[0])), parts[1].count >= 16 { return text }
    reader.error(
      "invalid-host-key", "\"\(text.prefix(40))\" is not a public host key", at: f.value(key)!, path: f.path(key),
      hint: "paste one line of `ssh-keyscan` output without the host name: TYPE BASE64")
    return nil
  }

  mutating func host(_ node: Node, at path: String, ssh: SSHDefaults) -> ClusterHost? {
    let known = ["name", "address", "port", "user", "roles", "site", "labels", "taints", "ssh"]
    guard let f = reader.fields(node, at: path, known: known) else { return nil }
    let name = f.string("name", required: true)
    if let n = name, !isDNSLabel(n) {
      reader.error(
        "invalid-value", "host name \"\(n)\" is not a DNS label", at: f.value("name")!, path: f.path("name"),
        hint: "use lowercase letters, digits and '-', at most 63 characters")
    }
    let address = address(f, "address", required: true)
    let port = f.int("port", in: 1...65535) ?? 22
    var rolesValid = true
    let roles = f.list("roles", required: true) { n, p -> Role? in
      guard let text = reader.string(n, at: p) else { return nil }
      if let r = Role(rawValue: text) { return r }
      reader.error(
        "unknown-role", "unknown role \"\(text)\"", at: n, path: p,
        hint: suggestion(for: text, in: Role.allCases.map(\.rawValue)))
      rolesValid = false
      return nil
    }
    let taints = f.list("taints") { n, p -> String? in
      guard let t = reader.string(n, at: p) else { return nil }
      if isTaint(t) { return t }
      reader.error(
        "invalid-value", "\"\(t)\" is not a taint", at: n, path: p,
        hint: "write KEY[=VALUE]:EFFECT with EFFECT NoSchedule, PreferNoSchedule or NoExecute")
      return nil
    }
    let hostSSH =
      f.object("ssh", known: ["key", "hostKey", "become", "becomePasswordEnv"]) { s in
        HostSSH(
          key: s.string("key"), hostKey: hostKey(s, "hostKey"), become: s.bool("become") ?? false,
          becomePasswordEnv: s.string("becomePasswordEnv"))
      } ?? HostSSH(key: nil, hostKey: nil, become: false, becomePasswordEnv: nil)
    // A host with a bad role stays in (so duplicate checks still see it), but rules that count
    // members are skipped: its real roles are unknown.
    if !rolesValid { hostsIncomplete = true }
    if rolesValid, roles?.isEmpty == true, let n = f.value("roles") {
      reader.report(.warning(
        "no-roles", "host \"\(name ?? "?")\" has no roles; nothing will be installed on it",
        at: reader.location(of: n), path: f.path("roles")))
    }
    guard let name, let address, let roles else { return nil }
    return ClusterHost(
      name: name, address: address, port: port, user: f.string("user") ?? ssh.user, roles: roles,
      site: f.string("site"), labels: f.stringMap("labels") ?? [:], taints: taints ?? [], ssh: hostSSH, path: path)
  }

  func sshDefaults(_ spec: Fields) -> SSHDefaults {
    var d = SSHDefaults(
      user: "root", keys: ["~/.ssh/id_ed25519"], agent: true, knownHosts: "~/.ssh/known_hosts",
      hostKeyPolicy: .strict, connectTimeoutSeconds: 10, commandTimeoutSeconds: 600, keepaliveSeconds: 15,
      concurrency: 50)
    let known = [
      "user", "keys", "agent", "knownHosts", "hostKeyPolicy", "connectTimeout", "commandTimeout", "keepalive",
      "concurrency",
    ]
    _ = spec.object("ssh", known: known) { s -> Bool? in
      if let v = s.string("user") { d.user = v }
      if let v = s.strings("keys") { d.keys = v }
      if let v = s.bool("agent") { d.agent = v }
      if let v = s.string("knownHosts") { d.knownHosts = v }
      if let v = s.choice("hostKeyPolicy", HostKeyPolicy.self) { d.hostKeyPolicy = v }
      if let v = duration(s, "connectTimeout") { d.connectTimeoutSeconds = v }
      if let v = duration(s, "commandTimeout") { d.commandTimeoutSeconds = v }
      if let v = duration(s, "keepalive") { d.keepaliveSeconds = v }
      if let v = s.int("concurrency", in: 1...10_000) { d.concurrency = v }
      return true
    }
    return d
  }

  /// Seconds, written as `30`, `30s`, `5m` or `1h`.
  func duration(_ f: Fields, _ key: String) -> Int? {
    guard let text = f.string(key) else { return nil }
    let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
    var digits = Substring(text), scale = 1
    if let last = text.last, let u = units[last] {
      digits = text.dropLast()
      scale = u
    }
    if let n = Int(digits), n > 0, n <= 86_400 / scale { return n * scale }
    reader.error(
      "invalid-value", "\"\(text)\" is not a duration", at: f.value(key)!, path: f.path(key),
      hint: "write seconds (30), or 30s, 5m, 1h")
    return nil
  }

  func artifacts(_ spec: Fields) -> [String: Artifact] {
    guard let node = spec.node("artifacts"), case .mapping(let m) = node else {
      if let node = spec.node("artifacts") {
        reader.error("wrong-type", "expected a mapping, found \(reader.describe(node))", at: node, path: "spec.artifacts")
      }
      return [:]
    }
    let names = Array(m.keys.compactMap(\.string))
    guard let all = reader.fields(node, at: "spec.artifacts", known: names) else { return [:] }
    var out: [String: Artifact] = [:]
    for name in names {
      _ = all.object(name, known: ["file", "url", "sha256"]) { a -> Bool? in
        let file = a.string("file"), url = a.string("url")
        var sha = a.string("sha256")
        if let s = sha, !(s.count == 64 && s.allSatisfy(\.isHexDigit)) {
          reader.error(
            "invalid-value", "sha256 must be 64 hex digits", at: a.value("sha256")!, path: a.path("sha256"))
          sha = nil
        }
        switch (file, url) {
        case (let f?, nil): out[name] = Artifact(source: .file(f), sha256: sha?.lowercased())
        case (nil, let u?):
          if sha == nil, !a.has("sha256") {
            reader.error(
              "missing-field", "artifact \"\(name)\" is a URL without a sha256", at: a.value("url")!,
              path: a.path("sha256"), hint: "downloads are verified; add the sha256 of the file")
          }
          if !(u.hasPrefix("https://") || u.hasPrefix("http://")) {
            reader.error("invalid-value", "url must be http(s)", at: a.value("url")!, path: a.path("url"))
          }
          out[name] = Artifact(source: .url(u), sha256: sha?.lowercased())
        case (nil, nil):
          reader.error(
            "missing-field", "artifact \"\(name)\" needs a file or a url", at: a.node, path: a.path,
            hint: "file: a local path (airgap), or url: plus sha256:")
        case (_?, _?):
          reader.error(
            "invalid-value", "artifact \"\(name)\" has both a file and a url", at: a.value("url")!,
            path: a.path("url"), hint: "keep one")
        }
        return true
      }
    }
    return out
  }

  func kubernetes(_ spec: Fields) -> KubernetesSettings {
    spec.object("kubernetes", known: ["cni", "sandboxImage", "upgrade", "nodePorts"]) { k in
      let cni = k.object("cni", known: ["plugin", "version", "mode", "typha", "kubeProxyReplacement"]) { c -> CNI? in
        let plugin = c.choice("plugin", CNIPlugin.self, required: true)
        let version = version(c, "version", required: true)
        let mode = c.choice("mode", CNIMode.self)
        let typha = c.bool("typha") ?? false, replacement = c.bool("kubeProxyReplacement") ?? false
        guard let plugin, let version else { return nil }
        return CNI(plugin: plugin, version: version, mode: mode, typha: typha, kubeProxyReplacement: replacement)
      }
      let nodePortsFrom = k.object("nodePorts", known: ["from"]) { n -> [CIDR]? in
        n.list("from", required: true) { node, path -> CIDR? in
          guard let text = reader.string(node, at: path) else { return nil }
          if let c = CIDR(text) { return c }
          reader.error("invalid-cidr", "\"\(text)\" is not a CIDR", at: node, path: path,
            hint: "write ADDRESS/PREFIX, for example 192.0.2.0/24")
          return nil
        }
      } ?? []
      var upgrade = UpgradePolicy()
      _ = k.object("upgrade", known: ["maxUnavailable", "drainTimeout"]) { u -> Bool? in
        if let text = u.string("maxUnavailable") {
          if text.hasSuffix("%"), let n = Int(text.dropLast()), (1...100).contains(n) {
            upgrade.maxUnavailablePercent = n
          } else {
            reader.error("invalid-value", "\"\(text)\" is not a share of the workers", at: u.value("maxUnavailable")!,
              path: u.path("maxUnavailable"), hint: "write a percentage from 1% to 100%, for example 10%")
          }
        }
        if let t = duration(u, "drainTimeout") { upgrade.drainTimeoutSeconds = t }
        return true
      }
      return KubernetesSettings(cni: cni, sandboxImage: k.string("sandboxImage"), upgrade: upgrade, nodePortsFrom: nodePortsFrom)
    } ?? KubernetesSettings()
  }

  func security(_ spec: Fields) -> SecuritySettings {
    spec.object("security", known: ["vulnerabilities"]) { s -> SecuritySettings? in
      guard let node = s.node("vulnerabilities") else { return SecuritySettings() }
      return VulnerabilityPolicy.read(node, at: s.path("vulnerabilities"), reader: reader).map(SecuritySettings.init)
    } ?? SecuritySettings()
  }

  func hardening(_ spec: Fields) -> Hardening {
    spec.object("hardening", known: ["profile", "waivers"]) { h in
      let waivers =
        h.list("waivers") { n, p -> Waiver? in
          guard let w = reader.fields(n, at: p, known: ["id", "reason", "expires"]) else { return nil }
          let id = w.string("id", required: true), reason = w.string("reason", required: true)
          let expires = w.string("expires")
          if let e = expires, !isISODate(e) {
            reader.error(
              "invalid-value", "\"\(e)\" is not a date", at: w.value("expires")!, path: w.path("expires"),
              hint: "write YYYY-MM-DD")
          }
          if let r = reason, r.allSatisfy(\.isWhitespace) {
            reader.error("missing-field", "a waiver needs a reason", at: w.value("reason")!, path: w.path("reason"))
          }
          guard let id, let reason else { return nil }
          return Waiver(id: id, reason: reason, expires: expires)
        } ?? []
      return Hardening(profile: h.choice("profile", HardeningProfile.self) ?? .cis, waivers: waivers)
    } ?? Hardening(profile: .cis, waivers: [])
  }
}

/// Lowercase letters, digits and `-`, 1 to 63 bytes, not starting or ending with `-` (tested on
/// the bytes: every other byte, a multi-byte character's included, is refused).
func isDNSLabel(_ s: String) -> Bool {
  let bytes = s.utf8
  let dash = UInt8(ascii: "-")
  guard (1...63).contains(bytes.count), bytes.first != dash, bytes.last != dash else { return false }
  return bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == dash }
}

func isTaint(_ s: String) -> Bool {
  guard let colon = s.lastIndex(of: ":") else { return false }
  let effect = s[s.index(after: colon)...]
  let key = s[..<colon].split(separator: "=", maxSplits: 1).first ?? ""
  return ["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(String(effect)) && !key.isEmpty
}

func isISODate(_ s: String) -> Bool {
  let p = s.split(separator: "-", omittingEmptySubsequences: false)
  guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
    let m = Int(p[1]), let d = Int(p[2]), Int(p[0]) != nil
  else { return false }
  return (1...12).contains(m) && (1...31).contains(d)
}

extension String {
  func trimmingBrackets() -> String {
    hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
  }
}
