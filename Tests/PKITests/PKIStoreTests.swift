import Foundation
import PKI
import Testing

/// The PKI store against a real temporary state dir: what it writes, what it keeps, what it renews.
@Suite struct PKIStoreTests {
  let root: String
  init() throws {
    root = NSTemporaryDirectory() + "bulwark-pki-\(UUID().uuidString)"
  }

  let server = CertificateSpec(name: "members/a-server", commonName: "a", dnsNames: ["a", "localhost"],
    ipAddresses: ["10.0.0.1", "127.0.0.1", "::1"], usages: [.server, .client])
  let client = CertificateSpec(name: "clients/x", commonName: "x", usages: [.client])

  func reconcile(_ specs: [CertificateSpec], write: Bool = true, now: Date = Date()) throws -> PKIStore.AuthorityReport {
    try PKIStore(root: root).reconcile(authority: "etcd", commonName: "test CA", specs: specs, now: now, write: write)
  }

  func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
  }

  @Test func firstRunCreatesTheCAAndLeavesWithPrivateKeys() throws {
    let report = try reconcile([server, client])
    #expect(report.created)
    #expect(report.leaves.allSatisfy { if case .issue = $0.state { true } else { false } })
    #expect(try mode(root + "/etcd/ca.key") == 0o600)
    #expect(try mode(root + "/etcd/ca.crt") == 0o644)
    #expect(try mode(root + "/etcd/members/a-server.key") == 0o600)
    #expect(try mode(root + "/etcd") == 0o700)
    #expect(report.leaves.allSatisfy { $0.certificateSHA256 != nil && $0.keySHA256 != nil })
  }

  @Test func aSecondRunKeepsEveryValidCertificate() throws {
    let first = try reconcile([server, client])
    let second = try reconcile([server, client])
    #expect(!second.created)
    #expect(second.leaves.map(\.state) == [.current, .current])
    #expect(second.leaves.map(\.certificateSHA256) == first.leaves.map(\.certificateSHA256))
    #expect(second.certificateSHA256 == first.certificateSHA256)
  }

  @Test func planningDoesNotWrite() throws {
    let report = try reconcile([server], write: false)
    #expect(report.created)
    #expect(!FileManager.default.fileExists(atPath: root + "/etcd/ca.crt"))
    #expect(report.leaves[0].certificateSHA256 == nil)
  }

  @Test func changedNamesAreReissued() throws {
    _ = try reconcile([server])
    var moved = server
    moved.ipAddresses = ["10.0.0.2", "127.0.0.1", "::1"]
    let report = try reconcile([moved])
    guard case .issue(let reason) = report.leaves[0].state else { Issue.record("not reissued"); return }
    #expect(reason.contains("names changed"))
    #expect(try reconcile([moved]).leaves[0].state == .current)
  }

  @Test func aCertificateUnderNinetyDaysIsRenewed() throws {
    _ = try reconcile([client])
    // 300 days on, a one-year certificate has 65 days left.
    let later = Date().addingTimeInterval(300 * 86_400)
    let report = try reconcile([client], write: false, now: later)
    guard case .issue(let reason) = report.leaves[0].state else { Issue.record("not renewed"); return }
    #expect(reason.hasPrefix("expires in 6"))
    #expect(try reconcile([client], write: false, now: Date().addingTimeInterval(200 * 86_400)).leaves[0].state == .current)
  }

  @Test func aForeignCertificateIsReplacedButAForeignCAIsAnError() throws {
    _ = try reconcile([client])
    let other = NSTemporaryDirectory() + "bulwark-pki-other-\(UUID().uuidString)"
    _ = try PKIStore(root: other).reconcile(authority: "etcd", commonName: "other", specs: [client], write: true)
    for ext in ["crt", "key"] {
      try FileManager.default.removeItem(atPath: root + "/etcd/clients/x.\(ext)")
      try FileManager.default.copyItem(atPath: other + "/etcd/clients/x.\(ext)", toPath: root + "/etcd/clients/x.\(ext)")
    }
    guard case .issue(let reason) = try reconcile([client], write: false).leaves[0].state else { Issue.record("kept"); return }
    #expect(reason == "not signed by this CA")
    try FileManager.default.removeItem(atPath: root + "/etcd/ca.key")
    try FileManager.default.copyItem(atPath: other + "/etcd/ca.key", toPath: root + "/etcd/ca.key")
    #expect(throws: PKIError.self) { try reconcile([client]) }
  }

  @Test func theListingShowsEveryCertificateWithItsExpiry() throws {
    _ = try reconcile([server, client])
    let listing = try PKIStore(root: root).list()
    #expect(listing.map { $0.path.replacingOccurrences(of: root + "/", with: "") } == [
      "etcd/ca.crt", "etcd/clients/x.crt", "etcd/members/a-server.crt",
    ])
    #expect(listing[0].isAuthority && !listing[1].isAuthority)
    #expect(listing[1].notValidAfter.timeIntervalSinceNow > 360 * 86_400)
  }

  @Test func anInvalidAddressIsAClearError() throws {
    var bad = server
    bad.ipAddresses = ["10.0.0.300"]
    #expect(throws: PKIError.self) { try reconcile([bad]) }
  }
}
