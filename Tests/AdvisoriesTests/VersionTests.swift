import Foundation
import Testing
@testable import Advisories

@Suite struct UpstreamVersionTests {
  @Test(arguments: [
    ("1.29.4", "1.29.10"), ("v1.32.0-rc.1", "1.32.0"), ("1.32.0-alpha.1", "1.32.0-beta.0"), ("1.0.0-rc9", "1.0.0-rc10"),
    ("1.0.0-rc93", "1.0.0"), ("1.4.0-rc.2", "1.4.0-rc.3"), ("9.2p1", "9.8p1"), ("9.9p1", "9.9p2"), ("9.9p2", "10.0p1"), ("0", "0.1.0"),
  ])
  func orders(_ lower: String, _ higher: String) throws {
    let a = try #require(UpstreamVersion(lower)), b = try #require(UpstreamVersion(higher))
    #expect(a < b)
    #expect(!(b < a))
  }

  @Test func vPrefixAndBuildMetadataAreIgnored() throws {
    #expect(try #require(UpstreamVersion("v1.30.2")) == #require(UpstreamVersion("1.30.2+build.5")))
    #expect(UpstreamVersion("1.30")?.line == "1.30")
  }

  @Test(arguments: ["", "v", "1..2", "one", "1.2.x", "1.2.3-", "1.2.3-rc..1", "-1.2"])
  func refusesNonVersions(_ text: String) { #expect(UpstreamVersion(text) == nil) }
}

@Suite struct CVSSTests {
  @Test(arguments: [
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8), ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1),
    ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 8.6), ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", 5.9),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5), ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:N", 0.0),
  ])
  func baseScores(_ vector: String, _ score: Double) { #expect(CVSS3.baseScore(vector) == score) }

  @Test func refusesOtherVectors() { #expect(CVSS3.baseScore("AV:N/AC:L/Au:N/C:P/I:P/A:P") == nil) }
}
