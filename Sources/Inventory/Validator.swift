import Support

/// The semantic rules that span fields: uniqueness, topology, quorum, failure domains, addressing.
/// Every rule runs; every problem is returned.
public struct InventoryValidator {
  /// Answers whether known_hosts already holds a key for this address and port; nil skips the check.
  public var knownHostKey: (@Sendable (String, Int) -> Bool)?
  /// Today's date as YYYY-MM-DD, for waiver expiry.
  public var today: String

  public init(knownHostKey: (@Sendable (String, Int) -> Bool)? = nil, today: String) {
    self.knownHostKey = knownHostKey
    self.today = today
  }

  public func validate(_ inv: Inventory, hostsIncomplete: Bool = false) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let map = inv.sourceMap
    func error(_ code: String, _ msg: String, _ path: String, hint: String? = nil) {
      out.append(.error(code, msg, at: map.location(path), path: path, hint: hint))
    }
    func warning(_ code: String, _ msg: String, _ path: String, hint: String? = nil) {
      out.append(.warning(code, msg, at: map.location(path), path: path, hint: hint))
    }
    func line(_ path: String) -> Int { map.location(path).line }

    // Uniqueness.
    var siteNames: [String: Site] = [:]
    for site in inv.sites {
      if let first = siteNames[site.name] {
        error("duplicate-site", "duplicate site name \"\(site.name)\" (first defined at line \(line(first.path + ".name")))",
          site.path + ".name")
      } else {
        siteNames[site.name] = site
      }
    }
    var names: [String: ClusterHost] = [:]
    var addresses: [String: ClusterHost] = [:]
    for host in inv.hosts {
      if let first = names[host.name] {
        error("duplicate-host", "duplicate host name \"\(host.name)\" (first defined at line \(line(first.path + ".name")))",
          host.path + ".name", hint: "host names must be unique")
      } else {
        names[host.name] = host
      }
      let key = "\(host.address):\(host.port)"
      if let first = addresses[key] {
        error("duplicate-address",
          "address \(host.address) port \(host.port) is also used by host \"\(first.name)\" (line \(line(first.path + ".address")))",
          host.path + ".address", hint: "each host needs its own address")
      } else {
        addresses[key] = host
      }
    }

    // References.
    for host in inv.hosts {
      if let site = host.site, siteNames[site] == nil {
        error("undefined-site", "host \"\(host.name)\" names undefined site \"\(site)\"", host.path + ".site",
          hint: inv.sites.isEmpty ? "define it under spec.sites" : suggestion(for: site, in: inv.sites.map(\.name)))
      }
      if inv.etcd.topology == .stacked, host.has(.etcd), !host.has(.controlPlane) {
        error("stacked-etcd-role", "host \"\(host.name)\" has the etcd role, but etcd is stacked on the control planes",
          host.path + ".roles", hint: "remove the etcd role, or set spec.etcd.topology: external")
      }
    }
    for endpoint in inv.siteEndpoints {
      for (i, site) in endpoint.sites.enumerated() where siteNames[site] == nil {
        error("undefined-site", "site endpoint names undefined site \"\(site)\"", endpoint.path + ".sites[\(i)]",
          hint: suggestion(for: site, in: inv.sites.map(\.name)))
      }
    }

    // Versions.
    let controlPlanes = inv.hosts(with: .controlPlane)
    if inv.versions.kubernetes == nil, !controlPlanes.isEmpty || !inv.hosts(with: .worker).isEmpty {
      error("missing-field", "the inventory has Kubernetes nodes but no Kubernetes version", "spec.versions.kubernetes",
        hint: "set spec.versions.kubernetes, for example 1.31.2")
    }

    for e in [inv.endpoint].compactMap({ $0 }) + inv.siteEndpoints where e.mode == .localProxy && e.port != 6443 {
      error("invalid-value", "a local proxy listens on 6443: control planes reach their own apiserver there", e.path + ".port",
        hint: "remove the port, or use a vip or loadBalancer endpoint")
    }
    if let e = inv.endpoint, e.mode == .vip {
      if e.interface == nil {
        error("missing-field", "a vip endpoint needs the interface keepalived binds on its carriers", e.path + ".interface",
          hint: "add interface: with the carriers' network interface, for example eth0 or ens192")
      }
      if e.carrierRole(in: inv) == .controlPlane, e.port == 6443 {
        error("port-conflict", "the VIP is carried by the control planes, whose apiservers already listen on 6443",
          e.path + ".port", hint: "give the endpoint another port (8443 is usual), or carry it on lb hosts")
      }
    }

    if !hostsIncomplete {
      out += topologyRules(inv, controlPlanes: controlPlanes)
    }
    out += addressingRules(inv, controlPlanes: controlPlanes)
    out += accessRules(inv)
    out += cniRules(inv)

    for (i, waiver) in inv.hardening.waivers.enumerated() {
      if let expires = waiver.expires, expires < today {
        warning("waiver-expired", "waiver for \(waiver.id) expired on \(expires); the check is enforced again",
          "spec.hardening.waivers[\(i)].expires", hint: "renew the waiver or fix the finding")
      }
    }
    return out
  }

  // MARK: Topology: quorum, HA endpoints, failure domains.

  func topologyRules(_ inv: Inventory, controlPlanes: [ClusterHost]) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let map = inv.sourceMap
    let members = inv.etcdMembers
    let membersPath = inv.etcd.topology == .stacked ? "control planes" : "hosts with the etcd role"
    let hostsPath = "spec.hosts"
    if members.isEmpty, !controlPlanes.isEmpty {
      out.append(.error("etcd-members", "the cluster has no etcd members", at: map.location(hostsPath), path: hostsPath,
        hint: "give 3 or 5 hosts the etcd role, or set spec.etcd.topology: stacked"))
    } else if members.count == 1, !inv.etcd.allowSingleMember {
      let p = members[0].path + ".roles"
      out.append(.error("etcd-members", "a single etcd member has no fault tolerance", at: map.location(p), path: p,
        hint: "use 3 or 5 members, or set spec.etcd.allowSingleMember: true for a test cluster"))
    } else if members.count > 1, members.count % 2 == 0 {
      let p = members.last!.path + ".roles"
      out.append(.error("etcd-members",
        "\(members.count) etcd members (\(membersPath)): an even count tolerates no more failures than \(members.count - 1)",
        at: map.location(p), path: p, hint: "use an odd number of members: 3 or 5"))
    }

    if let endpoint = inv.endpoint, controlPlanes.count < 2 {
      let p = endpoint.path + ".mode"
      out.append(.error("ha-control-planes",
        "endpoint mode \(endpoint.mode.rawValue) is for HA, but the inventory has \(controlPlanes.count) control plane\(controlPlanes.count == 1 ? "" : "s")",
        at: map.location(p), path: p, hint: "add control planes (at least 2, ideally 3), or remove spec.endpoint"))
    }
    if inv.endpoint == nil, controlPlanes.count > 1 {
      out.append(.error("endpoint-missing",
        "\(controlPlanes.count) control planes need a shared API endpoint", at: map.location("spec"), path: "spec.endpoint",
        hint: "add spec.endpoint with mode vip, loadBalancer or localProxy"))
    }

    // Failure domains: only meaningful when hosts sit in two or more sites.
    let usedSites = Set(inv.hosts.compactMap(\.site))
    guard usedSites.count >= 2 else { return out }
    let quorum = members.count / 2 + 1
    for site in inv.sites where usedSites.contains(site.name) {
      let lost = members.filter { $0.site == site.name }.count
      if members.count > 1, members.count - lost < quorum, !inv.failureDomains.acceptSiteQuorumLoss {
        let p = site.path + ".name"
        out.append(.error("site-quorum",
          "losing site \"\(site.name)\" loses etcd quorum: it holds \(lost) of \(members.count) members and \(quorum) are needed",
          at: map.location(p), path: p,
          hint: "spread etcd members so no site holds \(members.count - quorum + 1) or more, or set spec.failureDomains.acceptSiteQuorumLoss: true"))
      }
      let cps = controlPlanes.filter { $0.site == site.name }.count
      if cps > 0, cps == controlPlanes.count {
        let p = site.path + ".name"
        out.append(.warning("site-api-loss",
          "losing site \"\(site.name)\" loses every API server (\(cps) of \(controlPlanes.count) control planes)",
          at: map.location(p), path: p, hint: "place a control plane in another site"))
      }
    }
    return out
  }

  // MARK: Addressing: VIP subnet, CIDR overlaps.

  func addressingRules(_ inv: Inventory, controlPlanes: [ClusterHost]) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let map = inv.sourceMap
    let net = inv.network
    if net.podCIDR.overlaps(net.serviceCIDR) {
      let p = "spec.network.serviceCIDR"
      out.append(.error("cidr-overlap", "serviceCIDR \(net.serviceCIDR) overlaps podCIDR \(net.podCIDR)",
        at: map.location(p), path: p, hint: "choose disjoint ranges, e.g. 10.244.0.0/16 and 10.96.0.0/12"))
    }
    for host in inv.hosts {
      guard let ip = host.address.ip else { continue }
      for (name, cidr) in [("podCIDR", net.podCIDR), ("serviceCIDR", net.serviceCIDR)] where cidr.contains(ip) {
        let p = host.path + ".address"
        out.append(.error("cidr-overlap", "host \"\(host.name)\" address \(ip) lies inside the \(name) \(cidr)",
          at: map.location(p), path: p, hint: "pod and service ranges must not contain node addresses"))
      }
    }
    for site in inv.sites {
      guard let cidr = site.cidr else { continue }
      for (name, range) in [("podCIDR", net.podCIDR), ("serviceCIDR", net.serviceCIDR)] where range.overlaps(cidr) {
        let p = site.path + ".cidr"
        out.append(.error("cidr-overlap", "site \"\(site.name)\" network \(cidr) overlaps the \(name) \(range)",
          at: map.location(p), path: p, hint: "pod and service ranges must not overlap host networks"))
      }
    }
    for endpoint in [inv.endpoint].compactMap({ $0 }) + inv.siteEndpoints where endpoint.mode == .vip {
      guard let vip = endpoint.address?.ip else { continue }
      let p = endpoint.path + ".address"
      let carrierRole = endpoint.carrierRole(in: inv)
      let carriers = inv.vipCarriers(of: endpoint)
      if carriers.isEmpty {
        out.append(.error("vip-carriers", "no \(carrierRole.rawValue) hosts to carry the VIP \(vip)",
          at: map.location(p), path: p, hint: "give hosts the \(carrierRole.rawValue) role, or change carriers"))
        continue
      }
      if let clash = inv.hosts.first(where: { $0.address.ip == vip }) {
        out.append(.error("vip-conflict", "the VIP \(vip) is host \"\(clash.name)\"'s own address",
          at: map.location(p), path: p, hint: "the VIP must be a free address"))
      }
      for host in carriers {
        guard let ip = host.address.ip else { continue }
        let subnet = inv.site(named: host.site)?.cidr
        let outside = subnet.map { !$0.contains(vip) } ?? (ip.isIPv4 && !CIDR("\(ip)/24")!.contains(vip))
        if outside {
          let subnetText = subnet.map { "\($0)" } ?? "\(ip)/24 (assumed; set the site's cidr)"
          out.append(.error("vip-subnet",
            "the VIP \(vip) is outside the subnet \(subnetText) of \(carrierRole.rawValue) host \"\(host.name)\"",
            at: map.location(p), path: p,
            hint: "keepalived moves the VIP within one L2 subnet; pick an address inside it"))
          break
        }
      }
    }
    return out
  }

  // MARK: Access: host keys.

  func accessRules(_ inv: Inventory) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let map = inv.sourceMap
    for host in inv.hosts where host.ssh.hostKey == nil {
      let p = host.path + ".address"
      switch inv.ssh.hostKeyPolicy {
      case .pinned:
        out.append(.error("host-key-missing", "host-key policy is pinned but host \"\(host.name)\" has no ssh.hostKey",
          at: map.location(p), path: host.path + ".ssh.hostKey",
          hint: "add the host's public key (ssh-keyscan), or use policy strict with a known_hosts file"))
      case .strict:
        if let known = knownHostKey, !known(host.address.description, host.port) {
          out.append(.warning("host-key-unknown",
            "no known_hosts entry or pinned key for host \"\(host.name)\" (\(host.address)); apply will refuse to connect",
            at: map.location(p), path: p,
            hint: "add it to \(inv.ssh.knownHosts) after checking its fingerprint, or pin ssh.hostKey"))
        }
      case .acceptNew:
        break
      }
    }
    return out
  }
}
