import ArgumentParser
import Etcd
import Foundation
import Inventory
import PKI
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
      try await ClusterRun(options: options, playbook: book, yes: true, versionRule: .any).execute()
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
        Console.err("error: cannot read the snapshot \(snapshot)\n")
        throw BulwarkExit.invalidInput
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
      var run = ClusterRun(options: options, playbook: book, yes: yes, versionRule: .sameVersion)
      run.restoreFrom = LocalArtifact(path: (snapshot as NSString).standardizingPath, sha256: digest)
      try await run.execute()
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
      let layout = EtcdLayout(inv)
      guard layout.members.contains(where: { $0.name == host }) else {
        Console.err("error: \(host) is not an etcd member in \(options.inventory.inventory)\n")
        throw BulwarkExit.invalidInput
      }
      let facts = await EtcdFactsGatherer.gather(inv, fleet: fleet)
      let members = facts.members
      guard !members.isEmpty, let helper = layout.members.first(where: { $0.name != host && facts.hosts[$0.name]?.isRunning == true })
      else {
        Console.err("error: no other running member answered; a cluster without quorum needs `bulwark etcd restore`\n")
        throw BulwarkExit.failure
      }
      if let old = members.first(where: { $0.name == host }) {
        if facts.hosts[host]?.isRunning == true && !force {
          Console.err("error: \(host) runs etcd and answers; replace is for dead members (use --force to replace it anyway)\n")
          throw BulwarkExit.failure
        }
        Console.out("Removing member \(host) (\(old.id)) through \(helper.name).\n")
        let script = EtcdScripts.removeMember(old, layout: layout)
        let outcome = await fleet.run(on: [helper.name]) { h in try await h.run(RemoteCommand(["sh", "-c", script])) }
        guard case .success(let r)? = outcome.first?.result, r.succeeded else {
          let why: String
          switch outcome.first?.result {
          case .success(let r)?: why = r.stderrTail
          case .failure(let e)?: why = describe(e)
          case nil: why = "no result"
          }
          Console.err("error: removing \(host) failed: \(why)\n")
          throw BulwarkExit.failure
        }
        Console.out(r.stdoutText)
      } else {
        Console.out("\(host) is not a member of the running cluster; it will join.\n")
      }
      let book = try PlaybookChoice.load("bootstrap", directory: nil, inventoryPath: options.inventory.inventory)
      try await ClusterRun(options: options, playbook: book, yes: yes, versionRule: .sameVersion).execute()
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
    let loaded = LoadedInventory.load(path: options.inventory)
    guard let inv = loaded.inventory, !loaded.diagnostics.hasErrors else {
      Console.err(loaded.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    }
    let state = options.stateDirectory(cluster: inv.name)
    let store = PKIStore(root: StateDirectory.pki(state))
    let report: PKIStore.AuthorityReport
    do {
      report = try store.reconcile(authority: EtcdCertificates.authority, commonName: EtcdCertificates.caCommonName(inv.name),
        specs: EtcdCertificates.specs(EtcdLayout(inv)), write: false)
    } catch {
      Console.err("error: \(error)\n")
      throw BulwarkExit.failure
    }
    let now = Date()
    func days(_ d: Date) -> Int { Int(d.timeIntervalSince(now) / 86_400) }
    var rows: [[String]] = [["CERTIFICATE", "SUBJECT", "EXPIRES", "DAYS", "NEXT APPLY"]]
    let listing = (try? store.list()) ?? []
    if let ca = listing.first(where: { $0.path == report.certificatePath }) {
      rows.append(["etcd/ca", ca.commonName, String("\(ca.notValidAfter)".prefix(10)), "\(days(ca.notValidAfter))", "keep"])
    } else {
      rows.append(["etcd/ca", EtcdCertificates.caCommonName(inv.name), "-", "-", "create"])
    }
    for leaf in report.leaves {
      let action: String
      switch leaf.state {
      case .current: action = "keep"
      case .issue(let reason): action = "issue (\(reason))"
      }
      let expiry = leaf.notValidAfter ?? listing.first { $0.path == leaf.certificatePath }?.notValidAfter
      rows.append(["etcd/\(leaf.spec.name)", leaf.spec.commonName, expiry.map { String("\($0)".prefix(10)) } ?? "-",
        expiry.map { "\(days($0))" } ?? "-", action])
    }
    let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
    for row in rows {
      Console.out(row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ") + "\n")
    }
    Console.out("State dir: \(state) (keys 0600)\n")
  }
}
