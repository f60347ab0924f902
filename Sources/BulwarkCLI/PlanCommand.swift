import ArgumentParser
import Kubernetes
import Etcd
import Foundation
import Logging
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
      when changes are pending, 3 on invalid input, 1 on error.
      """)

  @OptionGroup var options: InventoryOptions

  @Option(help: "A playbook name from the playbooks directory, or a path to a playbook file.")
  var playbook = "bootstrap"

  @Option(help: "Where playbooks live (default: ./playbooks, then next to the inventory).")
  var playbooksDir: String?

  @Option(name: [.short, .customLong("output")], help: "text, json or dot.")
  var output: OutputFormat = .text

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
    let loaded = LoadedInventory.load(path: options.inventory)
    lap("loading and validating the inventory")
    if loaded.diagnostics.hasErrors || loaded.inventory == nil {
      Console.err(loaded.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    }
    for d in loaded.diagnostics { Console.err(d.rendered + "\n") }
    let inv = loaded.inventory!

    guard let playbookPath = PlaybookLocator(directory: playbooksDir, inventoryPath: options.inventory).find(playbook) else {
      Console.err("error: no playbook \"\(playbook)\" (looked in \(PlaybookLocator(directory: playbooksDir, inventoryPath: options.inventory).searchPath.joined(separator: ", ")))\n")
      throw BulwarkExit.invalidInput
    }
    let book: Playbook
    switch PlaybookLoader().load(path: playbookPath) {
    case .failure(let e):
      Console.err(e.diagnostics.renderedReport() + "\n")
      throw BulwarkExit.invalidInput
    case .success(let b): book = b
    }
    let plan: Plan
    let stateDirectory = options.stateDirectory(cluster: inv.name)
    if offline {
      plan = try DomainInputs.plan(inv, inventoryPath: options.inventory, stateDirectory: stateDirectory, playbook: book,
        writePKI: false)
    } else {
      // Live: facts and one read-only probe per host. A plan saved for apply also prepares the state
      // dir (certificates, secrets), so it names exactly the files apply will upload.
      var fleet = Fleet.ssh(inv, inventoryPath: options.inventory, concurrency: concurrency)
      let sessions = SessionCache(base: fleet.transport)
      fleet.transport = sessions
      do {
        plan = try await LivePlan.make(inv, inventoryPath: options.inventory, stateDirectory: stateDirectory, playbook: book,
          fleet: fleet, writePKI: out != nil)
        await sessions.closeAll()
      } catch {
        await sessions.closeAll()
        throw error
      }
    }
    lap("planning \(plan.steps.count) steps")
    switch output {
    case .text: Console.out(plan.renderedText())
    case .json: Console.out(try plan.renderedJSON())
    case .dot: Console.out(plan.renderedDOT())
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

/// Finds a playbook by name: an explicit path, the given directory, ./playbooks, or next to the inventory.
struct PlaybookLocator {
  var directory: String?
  var inventoryPath: String

  var searchPath: [String] {
    let invDir = (inventoryPath as NSString).deletingLastPathComponent
    var dirs: [String] = []
    if let directory { dirs.append(directory) }
    if let env = ProcessInfo.processInfo.environment["BULWARK_PLAYBOOKS"] { dirs.append(env) }
    dirs.append("playbooks")
    dirs.append((invDir.isEmpty ? "." : invDir) + "/../playbooks")
    dirs.append((invDir.isEmpty ? "." : invDir) + "/playbooks")
    return dirs
  }

  func find(_ name: String) -> String? {
    if name.hasSuffix(".yaml") || name.contains("/") {
      return FileManager.default.fileExists(atPath: name) ? name : nil
    }
    return searchPath.map { "\($0)/\(name).yaml" }.first { FileManager.default.fileExists(atPath: $0) }
  }
}
