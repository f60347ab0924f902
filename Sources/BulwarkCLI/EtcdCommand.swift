import ArgumentParser
import Foundation
import Inventory
import Orchestration
import Planning
import Remote
import Support

/// `bulwark etcd snapshot | restore | replace`: the etcd operations that are not a playbook run.
struct EtcdCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "etcd",
    abstract: "Snapshots, restores and member replacement for the inventory's etcd cluster.",
    subcommands: [Snapshot.self, Restore.self, Replace.self])

  struct Snapshot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Take a snapshot from the first running member into the state dir (snapshots/).")
    @OptionGroup var options: ConnectionOptions

    func run() async throws {
      let book = try PlaybookChoice.builtIn("etcd-snapshot", """
          - name: snapshot
            hosts: role:etcd
            order: parallel
            steps:
              - {kind: etcd.snapshot, when: always}
        """)
      try await ClusterRunView.execute(ClusterRun(access: options.access(), playbook: book, versionRule: .any), yes: true, quiet: false)
    }
  }

  struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Restore a snapshot into the inventory's cluster: every member stops, restores and starts again.",
      discussion: """
        The members' data dirs are moved aside (never deleted), the snapshot is restored with each \
        member's name and the inventory's initial cluster, and all members start together behind a \
        health gate. The hosts need etcd installed (bulwark apply) first. Restoring the same snapshot \
        twice does nothing the second time.
        """)
    @OptionGroup var options: ConnectionOptions
    @Argument(help: "The snapshot file (from bulwark etcd snapshot).") var snapshot: String
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
      guard FileManager.default.isReadableFile(atPath: snapshot) else {
        throw OperationError(.invalidInput, .invalidPlan, "cannot read the snapshot \(snapshot)")
      }
      let digest = try LocalDigest.sha256(ofFile: snapshot)
      let book = try PlaybookChoice.builtIn("etcd-restore", """
          - name: restore
            hosts: role:etcd
            order: parallel
            steps:
              - {kind: etcd.restore, part: restore}
          - name: start
            hosts: role:etcd
            order: parallel
            wait: all
            steps:
              - {kind: etcd.restore, part: start}
          - name: health
            hosts: role:etcd
            order: parallel
            steps:
              - kind: etcd.health-gate
        """)
      let run = ClusterRun(access: options.access(), playbook: book, versionRule: .sameVersion,
        restoreFrom: LocalArtifact(path: (snapshot as NSString).standardizingPath, sha256: digest))
      try await ClusterRunView.execute(run, yes: yes, quiet: false)
    }
  }

  struct Replace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Replace a dead member: remove it from the cluster, then let HOST join afresh.",
      discussion: """
        HOST keeps its name and address in the inventory; it is a new or rebuilt machine. The old member \
        is removed only while the others keep quorum, and only if it is not healthy (--force overrides \
        that). Then an apply installs etcd on HOST and joins it (member add, start with \
        --initial-cluster-state=existing).
        """)
    @OptionGroup var options: ConnectionOptions
    @Argument(help: "The host whose member is replaced.") var host: String
    @Flag(help: "Replace the member even though it answers as healthy.") var force = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
      let (inv, _, fleet) = try options.connect()
      let outcome = try await fleet.sharingSessions { fleet in
        try await EtcdMemberReplacement.removeOldMember(host: host, inv: inv, fleet: fleet, force: force)
      }
      switch outcome {
      case .removed(let id, let helper, let output):
        Console.out("Removing member \(host) (\(id)) through \(helper).\n" + output)
      case .notAMember:
        Console.out("\(host) is not a member of the running cluster; it will join.\n")
      }
      let book = try PlaybookChoice.load("bootstrap", directory: nil, inventoryPath: options.inventory.inventory)
      try await ClusterRunView.execute(ClusterRun(access: options.access(), playbook: book, versionRule: .sameVersion), yes: yes, quiet: false)
    }
  }
}

/// `bulwark certs`: every certificate of the cluster's PKI, its expiry, and what apply will do.
struct CertsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "certs",
    abstract: "List the cluster's certificates (state dir) with their expiry; those under 90 days are renewed by the next apply.")
  @OptionGroup var options: InventoryOptions

  func run() throws {
    let (inv, _) = try options.load()
    let state = options.stateDirectory(cluster: inv.name)
    let now = Date()
    func day(_ d: Date?) -> String { d.map { String("\($0)".prefix(10)) } ?? "-" }
    func days(_ d: Date?) -> String { d.map { "\(Int($0.timeIntervalSince(now) / 86_400))" } ?? "-" }
    let rows = [["CERTIFICATE", "SUBJECT", "EXPIRES", "DAYS", "NEXT APPLY"]]
      + (try CertificateListing.list(inv, state: state)).map { [$0.name, $0.subject, day($0.expires), days($0.expires), $0.nextApply] }
    let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
    for row in rows {
      Console.out(row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ") + "\n")
    }
    Console.out("State dir: \(state.path) (keys 0600)\n")
  }
}
