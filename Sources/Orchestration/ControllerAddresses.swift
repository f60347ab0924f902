import Foundation
import Inventory

/// Where each host sees Bulwark's SSH come from: the site's bastion, or this machine's own address
/// on the route to the host (asked of the kernel with a UDP socket; nothing is sent). The firewall
/// admits SSH from exactly these.
public enum ControllerAddresses {
  public static func sshFrom(_ inv: Inventory) -> [String: [String]] {
    var out: [String: [String]] = [:]
    out.reserveCapacity(inv.hosts.count)
    var routes = RouteQuery()
    defer { routes.closeSockets() }
    for host in inv.hosts {
      if let site = inv.sites.first(where: { $0.name == host.site }), let bastion = site.bastion {
        out[host.name] = [bastion.address.description]
      } else if case .ip(let address) = host.address, let local = routes.sourceAddress(toward: address, port: host.port) {
        out[host.name] = [local]
      }
    }
    return out
  }

  /// Every host seeing SSH come from one given address (`netpol hosts --controller`); nil when it
  /// is not an IP address.
  public static func given(_ address: String, for hosts: [ClusterHost]) -> [String: [String]]? {
    guard IPAddress(address) != nil else { return nil }
    return Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, [address]) })
  }
}

/// Asks the kernel for the source address of a route by connecting a UDP socket (which sends
/// nothing) and reading its name. Numeric addresses only: a DNS lookup would be traffic the plan
/// has no business making. One socket per family serves every host: after each question it is
/// disconnected (`connect` with `AF_UNSPEC`), which also forgets the source address it was given,
/// so the next `connect` chooses afresh. A socket per host was 3% of a 10,000-host plan.
struct RouteQuery {
  private var v4: Int32 = -1
  private var v6: Int32 = -1

  /// The source address the kernel picks toward `address`; nil when there is no route.
  mutating func sourceAddress(toward address: IPAddress, port: Int) -> String? {
    guard let port = UInt16(exactly: port) else { return nil }
    let isV4 = address.isIPv4
    let family = isV4 ? AF_INET : AF_INET6
    let fd = isV4 ? v4 : v6
    let socketFD = fd >= 0 ? fd : socket(family, Int32(SOCK_DGRAM.rawValue), 0)
    guard socketFD >= 0 else { return nil }
    if isV4 { v4 = socketFD } else { v6 = socketFD }
    // sockaddr_in and sockaddr_in6 differ only in where the port and address sit and how long they are.
    let length = socklen_t(isV4 ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
    let portOffset = isV4 ? MemoryLayout<sockaddr_in>.offset(of: \.sin_port)! : MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)!
    let addressOffset = isV4 ? MemoryLayout<sockaddr_in>.offset(of: \.sin_addr)! : MemoryLayout<sockaddr_in6>.offset(of: \.sin6_addr)!
    var destination = sockaddr_storage()
    destination.ss_family = sa_family_t(family)
    withUnsafeMutableBytes(of: &destination) { raw in
      raw.storeBytes(of: port.bigEndian, toByteOffset: portOffset, as: UInt16.self)
      UnsafeMutableRawBufferPointer(rebasing: raw[addressOffset..<addressOffset + address.bytes.count]).copyBytes(from: address.bytes)
    }
    let connected = withUnsafePointer(to: &destination) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, length) }
    }
    guard connected == 0 else { return nil }
    defer { disconnect(socketFD) }
    var name = sockaddr_storage()
    var nameLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let named = withUnsafeMutablePointer(to: &name) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &nameLength) }
    }
    guard named == 0 else { return nil }
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    let written = withUnsafeBytes(of: &name) { raw in
      inet_ntop(family, raw.baseAddress! + addressOffset, &text, socklen_t(text.count))
    }
    guard written != nil else { return nil }
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private func disconnect(_ fd: Int32) {
    var unspecified = sockaddr()
    unspecified.sa_family = sa_family_t(AF_UNSPEC)
    _ = connect(fd, &unspecified, socklen_t(MemoryLayout<sockaddr>.size))
  }

  mutating func closeSockets() {
    for fd in [v4, v6] where fd >= 0 { _ = close(fd) }
    v4 = -1
    v6 = -1
  }
}
