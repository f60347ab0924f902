import Foundation
import Inventory
import Kubernetes
import Remote
import TestSupport
import Testing

@testable import Orchestration

/// When no control plane reports the cluster, the user is told which could not be asked and why.
@Suite struct KubernetesFactsGathererTests {
  final class Notices: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Notice] = []
    func add(_ n: Notice) { lock.withLock { items.append(n) } }
    var all: [Notice] { lock.withLock { items } }
  }

  func fleet(_ fake: FakeTransport, _ inv: Inventory) -> Fleet {
    Fleet(transport: fake, endpoints: Dictionary(uniqueKeysWithValues: inv.hosts.map {
      ($0.name, HostEndpoint(id: $0.name, address: $0.name, port: 22, user: "test"))
    }), concurrency: 4)
  }

  func hybrid() throws -> Inventory {
    try #require(LoadedInventory.load(path: repositoryRoot() + "/inventories/hybrid.yaml").inventory)
  }

  @Test func refusedAndUnreachableControlPlanesAreNamedWithTheirReasons() async throws {
    let inv = try hybrid(), fake = FakeTransport()
    fake.setUnreachable("cp-dc1")
    fake.respond { host, _ in
      switch host {
      case "cp-dc2": CommandResult(exitStatus: 0, stdout: Array("server v1.31.2\nnode Bad_Name v1.31.2\n".utf8))
      case "cp-aws": CommandResult(exitStatus: 1, stderr: Array("kubectl: permission denied\n".utf8))
      default: nil
      }
    }
    let notices = Notices()
    let facts = await KubernetesFactsGatherer.gather(inv, fleet: fleet(fake, inv), notices: notices.add).cluster
    #expect(facts == .fresh)
    let warning = try #require(notices.all.first)
    #expect(notices.all.count == 1 && warning.level == .warning)
    #expect(warning.text.contains("cp-dc1: ") && warning.text.contains("[connection-refused]"), "\(warning.text)")
    #expect(warning.text.contains("cp-dc2: ") && warning.text.contains("[invalid-node-name]"), "\(warning.text)")
    #expect(warning.text.contains("cp-aws: the Kubernetes probe exited 1: kubectl: permission denied"), "\(warning.text)")
  }

  @Test func oneAnsweringControlPlaneIsEnoughAndAFreshClusterIsNoWarning() async throws {
    let inv = try hybrid()
    let answering = FakeTransport()
    answering.setUnreachable("cp-dc1")
    answering.respond { host, _ in
      host == "cp-dc2" ? CommandResult(exitStatus: 0, stdout: Array("server v1.31.2\nnode cp-dc2 v1.31.2\n".utf8))
        : CommandResult(exitStatus: 0, stdout: Array("none\n".utf8))
    }
    let notices = Notices()
    let facts = await KubernetesFactsGatherer.gather(inv, fleet: fleet(answering, inv), notices: notices.add).cluster
    #expect(facts.exists && facts.nodes == ["cp-dc2": Version("1.31.2")!])
    let fresh = FakeTransport()
    fresh.respond { _, _ in CommandResult(exitStatus: 0, stdout: Array("none\n".utf8)) }
    #expect(await KubernetesFactsGatherer.gather(inv, fleet: fleet(fresh, inv), notices: notices.add).cluster == .fresh)
    #expect(notices.all.isEmpty, "\(notices.all)")
  }
}
