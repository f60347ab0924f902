import Foundation
import Testing
@testable import Advisories

/// Debian ordering checked against the real `dpkg --compare-versions` on a corpus written for this test.
@Suite struct DebianVersionTests {
  static let corpus: [(String, String)] = [
    ("1.0", "1.0"), ("1.0", "1.1"), ("1.0-1", "1.0-2"), ("1.0-1", "1.0"), ("1.0", "1.0-0"), ("1:1.0", "2.0"), ("0:1.0", "1.0"),
    ("2:0.1", "1:9.9"), ("1.0~rc1", "1.0"), ("1.0~rc1", "1.0~rc2"), ("1.0~~", "1.0~"), ("1.0~", "1.0"), ("1.0~rc1-1", "1.0-1"),
    ("1:9.2p1-2", "1:9.2p1-2+deb12u3"), ("1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u10"), ("1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3"),
    ("1:9.2p1-2+deb12u3", "1:9.8p1-1"), ("9.2p1", "9.2"), ("1.2a", "1.2b"), ("1.2a", "1.2"), ("1.2", "1.2+"), ("1.2+", "1.2."),
    ("1.2.", "1.2a"), ("1.10", "1.9"), ("1.010", "1.10"), ("1.0a1", "1.0a10"), ("1.0-a", "1.0-b"), ("1.0-1ubuntu1", "1.0-1"),
    ("1.0-1~bpo12+1", "1.0-1"), ("1.7.24~ds1-1", "1.7.24-1"), ("1.7.24~ds1-1", "1.7.24~ds1-1+deb12u1"), ("3.4.23-1", "3.4.23-1+b1"),
    ("1.30.2-1.1", "1.30.10-1.1"), ("1.6.20~ds1-1+b1", "1.6.20~ds1-1+deb12u1"), ("2.0", "10.0"), ("0.0.1", "0.0.01"),
    ("1.0+dfsg-1", "1.0-1"), ("1.0.0~rc93+ds1-5", "1.1.5+ds1-1"), ("5:1.0", "10:0.1"), ("1.0-1.2", "1.0-1.10"),
    ("7.6p1-4", "7.6p1-4.1"), ("1:7.9p1-10+deb10u2", "1:7.9p1-10+deb10u4"), ("1.0a", "1.0+"), ("1~", "1-0"),
  ]

  static func dpkgSays(_ a: String, _ op: String, _ b: String) throws -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg")
    p.arguments = ["--compare-versions", a, op, b]
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus == 0
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg")), arguments: corpus)
  func agreesWithDpkg(_ a: String, _ b: String) throws {
    let x = try #require(DebianVersion(a)), y = try #require(DebianVersion(b))
    #expect((x < y) == (try Self.dpkgSays(a, "lt", b)), "\(a) < \(b)")
    #expect((x == y) == (try Self.dpkgSays(a, "eq", b)), "\(a) == \(b)")
    #expect((y < x) == (try Self.dpkgSays(a, "gt", b)), "\(a) > \(b)")
  }

  @Test func corpusIsLargeEnough() { #expect(Self.corpus.count >= 40) }

  @Test(arguments: ["", ":1.0", "a:1.0", "1.0-", "abc", "1.0_1"])
  func refusesMalformed(_ text: String) { #expect(DebianVersion(text) == nil) }

  @Test func upstreamReleaseStripsRepackSuffixes() {
    #expect(DebianVersion("1:9.2p1-2+deb12u3")?.upstreamRelease == UpstreamVersion("9.2p1"))
    #expect(DebianVersion("1.6.20~ds1-1")?.upstreamRelease == UpstreamVersion("1.6.20"))
  }
}
