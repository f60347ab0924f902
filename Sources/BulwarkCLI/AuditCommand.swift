import ArgumentParser
import Foundation
import Hardening
import Inventory
import Remote

/// `bulwark audit`: the hardening catalogue against the live hosts, read-only.
struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Check every host against the hardening catalogue (read-only): pass, fail, waived, not settable.",
    discussion: """
      One round trip per host gathers every fact. Waivers come from spec.hardening.waivers; an expired \
      waiver no longer applies. Exits 0 when nothing fails, 2 when a check fails, 1 when a host could \
      not be audited, 3 on invalid input. The harden playbook (run by apply) fixes what fails here.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif }

  @OptionGroup var options: FleetOptions

  @Option(name: [.short, .customLong("output")], help: "text, json, junit or sarif.")
  var output: Format = .text

  func run() async throws {
    let (inv, hosts, fleet) = try options.fleet()
    let auditor = Auditor(waivers: inv.hardening.waivers, today: LoadedInventory.today())
    for w in auditor.expiredWaivers {
      Console.err("warning: the waiver for \(w.id) expired on \(w.expires ?? "?"); the check counts again\n")
    }
    let audits = await Self.audit(inv, hosts: hosts, fleet: fleet, auditor: auditor)
    switch output {
    case .text: Console.out(AuditReport.text(audits))
    case .json: Console.out(try AuditReport.json(audits))
    case .junit: Console.out(AuditReport.junit(audits))
    case .sarif: Console.out(try AuditReport.sarif(audits))
    }
    if audits.contains(where: { $0.error != nil }) { throw BulwarkExit.failure }
    if audits.contains(where: { $0.failed > 0 }) { throw BulwarkExit.changesPending }
  }
}

extension AuditCommand {
  /// The catalogue against the hosts: one read-only probe each.
  static func audit(_ inv: Inventory, hosts: [ClusterHost], fleet: Fleet, auditor: Auditor) async -> [HostAudit] {
    let sshFrom = HardeningAddresses.sshFrom(inv)
    let byName = Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, $0) })
    let outcomes = await fleet.run(on: hosts.map(\.name)) { remote in
      let r = try await remote.run(HostProbe.command(auditor.checks(for: byName[remote.id]!)))
      return HostProbe.parse(r.stdoutText)
    }
    return outcomes.map { o -> HostAudit in
      let host = byName[o.host]!
      switch o.result {
      case .success(let facts):
        let marker = Firewall.render(for: host, in: inv, sshFrom: sshFrom[host.name] ?? []).marker
        return auditor.audit(host, facts: facts, firewallMarker: marker)
      case .failure(let e):
        return HostAudit(host: o.host, results: [], error: describe(e))
      }
    }
  }
}

/// Where each host sees Bulwark's SSH come from: the site's bastion, or this machine's own address
/// on the route to the host (asked of the kernel with a UDP socket; nothing is sent).
enum HardeningAddresses {
  static func sshFrom(_ inv: Inventory) -> [String: [String]] {
    var out: [String: [String]] = [:]
    for host in inv.hosts {
      if let site = inv.sites.first(where: { $0.name == host.site }), let bastion = site.bastion {
        out[host.name] = [bastion.address.description]
      } else if let local = sourceAddress(toward: host.address.description, port: host.port) {
        out[host.name] = [local]
      }
    }
    return out
  }

  static func sourceAddress(toward address: String, port: Int) -> String? {
    // Numeric addresses only: a DNS lookup would be traffic the plan has no business making.
    var hints = addrinfo(ai_flags: AI_NUMERICSERV | AI_NUMERICHOST, ai_family: AF_UNSPEC, ai_socktype: Int32(SOCK_DGRAM.rawValue),
      ai_protocol: 0, ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(address, String(port), &hints, &list) == 0, let first = list else { return nil }
    defer { freeaddrinfo(list) }
    let fd = socket(first.pointee.ai_family, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else { return nil }
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let named = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return nil }
    var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    let ok = withUnsafePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getnameinfo($0, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST)
      }
    }
    guard ok == 0 else { return nil }
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// `bulwark checks`: the hardening catalogue, as docs/hardening.md shows it.
struct ChecksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checks", abstract: "Print the hardening catalogue (every check, its CIS ID, audit and remedy) as Markdown.")
  func run() throws { Console.out(AuditReport.catalogue()) }
}
