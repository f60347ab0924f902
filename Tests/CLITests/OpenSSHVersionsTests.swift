import Foundation
import Hardening
import Inventory
import Remote
import TestSupport
import Testing

@testable import Orchestration

/// Each host's OpenSSH is asked before planning (unprivileged, `sshd -V`); a host that cannot be
/// asked or names no version is left out with a warning, and a host already found unreachable is
/// not asked again.
@Suite struct OpenSSHVersionsTests {
  @Test func eachHostSaysItsVersionAndTheOthersAreNamed() async throws {
    let inv = try KubernetesFactsGathererTests().hybrid()
    let names = inv.hosts.map(\.name)
    let fake = FakeTransport()
    fake.setUnreachable(names[1])
    let privileged = Locked(false)
    fake.respond { host, command in
      if command.privileged { privileged.set(true) }
      switch host {
      case names[0]: return CommandResult(exitStatus: 0, stdout: Array("OpenSSH_10.0\n".utf8))
      case names[2]: return CommandResult(exitStatus: 0, stdout: [])
      default: return CommandResult(exitStatus: 0, stdout: Array("OpenSSH_9.2\n".utf8))
      }
    }
    let notices = KubernetesFactsGathererTests.Notices()
    let gathered = await OpenSSHVersions.gather(inv, fleet: KubernetesFactsGathererTests().fleet(fake, inv),
      skipping: [names[3]], notices: notices.add)
    let versions = gathered.versions
    #expect(Array(gathered.unreachable.keys) == [names[1]], "only the host that could not be asked is unreachable")
    #expect(versions[names[0]] == OpenSSHVersion(10, 0) && versions[names[4]] == OpenSSHVersion(9, 2))
    #expect(versions[names[1]] == nil && versions[names[2]] == nil && versions[names[3]] == nil)
    #expect(versions.count == names.count - 3)
    #expect(notices.all.map(\.text).contains { $0.hasPrefix("warning: no OpenSSH version from \(names[1]): ") })
    #expect(notices.all.map(\.text).contains("warning: \(names[2]) names no OpenSSH version (sshd -V); its sshd hardening leaves out what needs a newer sshd"))
    #expect(notices.all.count == 2, "\(notices.all)")
    #expect(!fake.operations.contains { $0.hasPrefix("\(names[3]):") }, "a skipped host is not asked")
    #expect(!privileged.value, "sshd -V needs no sudo")
    #expect(OpenSSHVersions.fingerprint(versions).hasPrefix("\(names.sorted().first { versions[$0] != nil }!)="))
  }
}

final class Locked<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: T
  init(_ value: T) { stored = value }
  var value: T { lock.withLock { stored } }
  func set(_ value: T) { lock.withLock { stored = value } }
}
