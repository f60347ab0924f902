import Foundation
import Inventory

/// Where each host sees Bulwark's SSH come from: the site's bastion, or this machine's own address
/// on the route to the host (asked of the kernel with a UDP socket; nothing is sent). The firewall
/// admits SSH from exactly these.
public enum ControllerAddresses {
  public static func sshFrom(_ inv: Inventory) -> [String: [String]] {
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

  /// Every host seeing SSH come from one given address (`netpol hosts --controller`); nil when it
  /// is not an IP address.
  public static func given(_ address: String, for hosts: [ClusterHost]) -> [String: [String]]? {
    guard IPAddress(address) != nil else { return nil }
    return Dictionary(uniqueKeysWithValues: hosts.map { ($0.name, [address]) })
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
