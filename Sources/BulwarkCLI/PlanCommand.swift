import ArgumentParser
import Kubernetes
import Etcd
import Foundation
import Inventory
import Logging
import Orchestration
import Planning
import Support

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what a playbook would do to the inventory's hosts.",
    discussion: """
      Gathers facts and asks every host how each step stands (read-only, one probe per host), then \
      lists what would change: + create, ~ update, - delete, > run, with what differs and a unified \
      diff for text files. --offline plans without connecting. Exits 0 when nothing would change, 2 \
      when changes are pending, 3 on invalid input, 4 when a known vulnerability in the pinned \
      versions refuses the inventory (nothing is planned then), 1 on error. -o sarif|junit writes the \
      findings (advisories, validation) to stdout instead of the plan; --out still saves the plan.
      """)

  @OptionGroup var options: InventoryOptions

  @OptionGroup var playbooks: PlaybookOptions<BootstrapPlaybook>

  @Option(name: [.short, .customLong("output")], help: "text, json, dot, sarif or junit.")
  var output: OutputFormat = .text

  @Option(name: .customLong("advisory-data"), help: "Imported advisory data (bulwark advisories import).")
  var advisoryData: String = AdvisoriesCommand.defaultDataPath

  @Option(help: "Also write the plan as JSON to this file.")
  var out: String?

  @Flag(help: "Plan without connecting: every step as it would run on fresh hosts.")
  var offline = false

  @Option(help: "Hosts asked at once (default: the inventory's ssh.concurrency).")
  var concurrency: Int?

  func run() async throws {
    options.bootstrapLogging()
    let logger = Logger(label: "bulwark.plan")
    let clock = ContinuousClock()
    var mark = clock.now
    func lap(_ what: String) {
      let now = clock.now
      logger.debug("\(what) took \(now - mark)")
      mark = now
    }
    let check = try InventoryCheck.run(path: options.inventory, dataPath: advisoryData)
    lap("loading and validating the inventory, matching its versions against the advisories")
    let findingOutput: FindingOutput = output == .sarif ? .sarif : output == .junit ? .junit : .text
    // Text: an invalid inventory's diagnostics are printed once, by the exit-code map.
    if check.loaded.valid != nil || findingOutput != .text {
      for d in check.diagnostics { Console.err(d.rendered + "\n") }
    }
    findingOutput.write(check, suite: "bulwark plan")
    if findingOutput != .text, check.loaded.valid == nil { throw BulwarkExit.invalidInput }
    let inv = try check.inventory()
    let book = try playbooks.load(inventoryPath: options.inventory)
    let plan: Plan
    let state = options.stateDirectory(cluster: inv.name)
    if offline {
      plan = try DomainInputs.plan(DomainInputs.Request(inv, inventoryPath: options.inventory, state: state, playbook: book,
        writePKI: false), notices: Console.notices)
    } else {
      // Live: facts and one read-only probe per host. A plan saved for apply also prepares the state
      // dir (certificates, secrets), so it names exactly the files apply will upload.
      askForPassphraseIfNeeded(SSHSettings.keyFiles(inv, inventoryPath: options.inventory))
      let fleet = Fleet.ssh(inv, inventoryPath: options.inventory, concurrency: concurrency)
      let writePKI = out != nil
      plan = try await fleet.sharingSessions { fleet in
        try await LivePlan.make(inv, inventoryPath: options.inventory, state: state, playbook: book, fleet: fleet,
          writePKI: writePKI, notices: Console.notices)
      }
    }
    lap("planning \(plan.steps.count) steps")
    switch output {
    case .text: plan.writeText(to: Console.out(bytes:))
    case .json: Console.out(try plan.renderedJSON())
    case .dot: Console.out(plan.renderedDOT())
    case .sarif, .junit: break
    }
    if let out {
      try plan.renderedJSON().write(toFile: out, atomically: true, encoding: .utf8)
    }
    lap("rendering")
    // Like clang's -disable-free: the process is done, and releasing a 100,000-step plan object by
    // object would only delay the exit (about a third of the run time at 10,000 hosts).
    fflush(nil)
    Foundation.exit(plan.hasChanges ? BulwarkExit.changesPending.rawValue : BulwarkExit.ok.rawValue)
  }
}
