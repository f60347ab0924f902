import Foundation
import Inventory
import Testing

@testable import Orchestration

/// The source address toward each host, asked of the kernel. Toward one of this machine's own
/// addresses the kernel answers with that address, and toward loopback with 127.0.0.1, so asking
/// for them in turn on one socket shows it chooses afresh each time (a socket that kept its first
/// answer would give every host the first host's source address).
@Suite struct ControllerAddressesTests {
  @Test func oneSocketAnswersEachAddressFromItsOwnRoute() throws {
    let own = try #require(Self.nonLoopbackIPv4(), "this test needs an IPv4 address on an interface other than lo")
    var routes = RouteQuery()
    defer { routes.closeSockets() }
    let loopback = try #require(IPAddress("127.0.0.1"))
    let mine = try #require(IPAddress(own))
    #expect(routes.sourceAddress(toward: loopback, port: 22) == "127.0.0.1")
    #expect(routes.sourceAddress(toward: mine, port: 22) == own)
    #expect(routes.sourceAddress(toward: loopback, port: 22) == "127.0.0.1")
    #expect(routes.sourceAddress(toward: loopback, port: 70_000) == nil)
  }

  @Test func anIPv6AddressIsAskedOnItsOwnSocket() throws {
    var routes = RouteQuery()
    defer { routes.closeSockets() }
    let answer = routes.sourceAddress(toward: try #require(IPAddress("::1")), port: 22)
    // ::1 is there wherever loopback has IPv6; without it there is no route and no answer.
    #expect(answer == "::1" || answer == nil)
    #expect(routes.sourceAddress(toward: try #require(IPAddress("127.0.0.1")), port: 22) == "127.0.0.1")
  }

  static func nonLoopbackIPv4() -> String? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0 else { return nil }
    defer { freeifaddrs(list) }
    var entry = list
    while let e = entry {
      defer { entry = e.pointee.ifa_next }
      guard let addr = e.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET),
        e.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0, e.pointee.ifa_flags & UInt32(IFF_UP) != 0
      else { continue }
      var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
      let ok = addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
        withUnsafePointer(to: sin.pointee.sin_addr) { inet_ntop(AF_INET, $0, &text, socklen_t(text.count)) != nil }
      }
      if ok { return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }
    return nil
  }
}
