import Foundation
import Inventory
import Kubernetes
import Planning
import Remote
import TestSupport
import Testing

@testable import Orchestration

/// The live plan's preflight end to end below the transport: every Kubernetes node is asked in the
/// same round trip as the cluster probe, and the plan says what is missing, in words, before any
/// step; what kubeadm would fail on and nothing fixes is an error naming the host.
@Suite struct PreflightPlanTests {
  func hybrid() throws -> Inventory {
    try #require(LoadedInventory.load(path: repositoryRoot() + "/inventories/hybrid.yaml").inventory)
  }

  /// A node that meets 1.36's checks, as the probe prints it, with `change` applied to its lines.
  static func output(_ change: (String) -> String = { $0 }) -> String {
    let lines = ["conntrack", "ip", "iptables", "mount", "nsenter", "ebtables", "ethtool", "socat", "tc", "touch"]
      .map { "preflight bin \($0) yes" } + [
      "preflight cpus 4", "preflight mem-kib 8000000", "preflight swaps 0", "preflight cgroup cgroup2fs",
      "preflight module overlay yes", "preflight module br_netfilter yes", "preflight sysctl net.ipv4.ip_forward 1",
      "preflight port 6443 free", "preflight port 10259 free", "preflight port 10257 free", "preflight port 10250 free",
      "preflight hostname node", "preflight resolves yes", "preflight socket yes",
    ]
    return change(lines.joined(separator: "\n") + "\n")
  }

  @Test func thePlanSaysWhatEachNodeLacksAndBlocksWhatNothingFixes() async throws {
    let inv = try hybrid(), fake = FakeTransport()
    let commands = Commands()
    fake.respond { host, command in
      commands.add(host, command.argv.last ?? "")
      let cluster = host.hasPrefix("cp-") ? "none\n" : ""
      switch host {
      case "cp-dc1":
        return CommandResult(exitStatus: 0, stdout: Array((Self.output {
          $0.replacingOccurrences(of: "bin conntrack yes", with: "bin conntrack no")
            .replacingOccurrences(of: "bin iptables yes", with: "bin iptables no")
        } + cluster).utf8))
      case "cp-dc2":
        return CommandResult(exitStatus: 0, stdout: Array((Self.output {
          $0.replacingOccurrences(of: "mem-kib 8000000", with: "mem-kib 1572864")
        } + cluster).utf8))
      default:
        return CommandResult(exitStatus: 0, stdout: Array((Self.output() + cluster).utf8))
      }
    }
    let fleet = Fleet(transport: fake, endpoints: Dictionary(uniqueKeysWithValues: inv.hosts.map {
      ($0.name, HostEndpoint(id: $0.name, address: $0.name, port: 22, user: "test"))
    }), concurrency: 4)
    let gathered = await KubernetesFactsGatherer.gather(inv, fleet: fleet)
    let nodes = inv.hosts.filter { $0.has(.controlPlane) || $0.has(.worker) }.map(\.name)
    #expect(Set(gathered.preflight?.keys.map { $0 } ?? []) == Set(nodes))
    // One round trip per node: the control planes' one command carries both probes.
    #expect(commands.count("cp-dc1") == 1 && commands.all("cp-dc1")[0].contains("preflight bin"))
    #expect(commands.all("cp-dc1")[0].contains("get nodes") && !commands.all("worker-dc1-1")[0].contains("get nodes"))
    #expect(!gathered.cluster.exists)

    let book = try PlaybookLoader().load(path: repositoryRoot() + "/playbooks/bootstrap.yaml").get()
    let (lines, diagnostics) = DomainInputs.preflight(inv, playbook: book, observed: gathered.preflight, cluster: gathered.cluster)
    let text = (lines ?? []).joined(separator: "\n")
    #expect(text.contains("cp-dc1: conntrack not in PATH, node preparation installs it"), "\(text)")
    #expect(text.contains("cp-dc1: iptables not in PATH, node preparation installs it"), "\(text)")
    #expect(text.contains("BLOCKING cp-dc2: 1.5 GiB memory, kubeadm needs 1.7 GiB"), "\(text)")
    #expect(diagnostics.count == 1 && diagnostics[0].severity == .error && diagnostics[0].message.hasPrefix("cp-dc2: 1.5 GiB memory"))
    // The playbook that runs no kubeadm preflight shows none.
    let harden = try PlaybookLoader().load(path: repositoryRoot() + "/playbooks/harden.yaml").get()
    #expect(DomainInputs.preflight(inv, playbook: harden, observed: gathered.preflight, cluster: gathered.cluster).lines == nil)
  }
}

final class Commands: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [(String, String)] = []
  func add(_ host: String, _ command: String) { lock.withLock { items.append((host, command)) } }
  func all(_ host: String) -> [String] { lock.withLock { items.filter { $0.0 == host }.map(\.1) } }
  func count(_ host: String) -> Int { all(host).count }
}
