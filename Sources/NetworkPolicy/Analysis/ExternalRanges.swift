/// The external address space cut into disjoint ranges at every ipBlock boundary (cidr and except),
/// so that each range is wholly inside or wholly outside every block. IPv4 is always present; IPv6
/// only when some block names an IPv6 CIDR.
enum ExternalRanges {
  /// Every cidr and except range the policies name.
  static func blocks(_ policies: [Policy]) -> [IPRange] {
    var blocks: [IPRange] = []
    for p in policies {
      for rule in p.ingress + p.egress {
        for case .ipBlock(let cidr, let except) in rule.peers {
          blocks.append(cidr.range)
          blocks += except.map(\.range)
        }
      }
    }
    return blocks
  }

  static func split(_ policies: [Policy], extra: [IPRange] = []) -> [IPRange] {
    let blocks = extra + Self.blocks(policies)
    var out: [IPRange] = []
    for family in [IPFamily.v4, .v6] {
      let own = blocks.filter { $0.family == family }
      if family == .v6 && own.isEmpty { continue }
      var starts: Set<UInt128> = [0]
      for b in own {
        starts.insert(b.low)
        if b.high < family.maxAddress { starts.insert(b.high + 1) }
      }
      let sorted = starts.sorted()
      for (i, low) in sorted.enumerated() {
        let high = i + 1 < sorted.count ? sorted[i + 1] - 1 : family.maxAddress
        out.append(IPRange(family: family, low: low, high: high))
      }
    }
    return out
  }
}
