import NetworkPolicy
import Testing

@Suite struct ModelTests {
  @Test func portSetMergesAndIntersects() {
    let a = PortSet([80...80, 81...90, 100...200]), b = PortSet([85...150])
    #expect(a.ranges == [80...90, 100...200])
    #expect(a.intersection(b).ranges == [85...90, 100...150])
    #expect(a.subtracting(b).ranges == [80...84, 151...200])
    #expect(a.union(.all).isAll)
  }

  @Test func connectionSetPrintsAndParsesBack() throws {
    var c = ConnectionSet.ports(.tcp, PortSet([80...80, 8000...8080]))
    c[.udp] = PortSet([53...53])
    #expect(c.description == "TCP 80,TCP 8000-8080,UDP 53")
    #expect(ConnectionSet(parsing: c.description) == c)
    #expect(ConnectionSet(parsing: "All Connections") == .all)
    #expect(ConnectionSet(parsing: "TCP 0") == nil)
    #expect(ConnectionSet(parsing: "ICMP 1") == nil)
  }

  @Test func cidrAndRanges() throws {
    let c = try CIDR(parsing: "10.1.2.3/8")
    #expect(c.range.description == "10.0.0.0-10.255.255.255")
    #expect(throws: CIDR.ParseError.self) { try CIDR(parsing: "10.0.0.0/33") }
    #expect(throws: CIDR.ParseError.self) { try CIDR(parsing: "010.0.0.0/8") }
    let v6 = try CIDR(parsing: "fd00::/8")
    #expect(v6.range.description == "fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
    let r = try #require(IPRange(parsing: "0.0.0.0-9.255.255.255"))
    #expect(r.cidrs.map(\.description) == ["0.0.0.0/5", "8.0.0.0/7"])
    #expect(IPRange.whole(.v4).cidrs.map(\.description) == ["0.0.0.0/0"])
  }
}
