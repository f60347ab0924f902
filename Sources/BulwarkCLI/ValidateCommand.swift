import Advisories
import ArgumentParser
import Findings
import Inventory
import Orchestration
import Support

struct ValidateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check an inventory and report every problem at once.",
    discussion: """
      Also matches the versions the inventory pins against the advisory data, under \
      spec.security.vulnerabilities. Exits 0 when valid (warnings allowed), 3 when the inventory has \
      errors, 4 when a known vulnerability refuses it. -o sarif|junit writes every finding to stdout.
      """)

  @OptionGroup var options: InventoryOptions

  @Option(name: [.short, .customLong("output")], help: "text, sarif or junit.")
  var output: FindingOutput = .text

  @Option(name: .customLong("advisory-data"), help: "Imported advisory data (bulwark advisories import).")
  var advisoryData: String = AdvisoriesCommand.defaultDataPath

  func run() async throws {
    options.bootstrapLogging()
    let check = try InventoryCheck.run(path: options.inventory, dataPath: advisoryData)
    if !check.diagnostics.isEmpty { Console.err(check.diagnostics.renderedReport() + "\n") }
    output.write(check, suite: "bulwark validate")
    guard check.loaded.valid != nil else { throw BulwarkExit.invalidInput }
    let inv = try check.inventory()
    if output == .text {
      Console.out("\(options.inventory): valid: cluster \"\(inv.name)\", \(inv.hosts.count) hosts, \(inv.etcdMembers.count) etcd members, \(inv.hosts(with: .controlPlane).count) control planes\n")
    }
  }
}

/// How validate and plan report findings: as text on stderr (the default), or as SARIF 2.1.0 or
/// JUnit XML on stdout for a CI system.
enum FindingOutput: String, ExpressibleByArgument, CaseIterable {
  case text, sarif, junit

  /// Text: the advisory findings and the upgrade advice on stderr (diagnostics are printed by the caller). SARIF and JUnit:
  /// every finding on stdout.
  func write(_ check: InventoryCheck, suite: String) {
    switch self {
    case .text:
      for f in check.advisories { Console.err(f.rendered + "\n") }
      for a in check.advice { Console.err(a.text + "\n") }
    case .sarif:
      Console.out(FindingFormats.sarif(check.findings, rules: check.rules))
    case .junit:
      Console.out(FindingFormats.junit(suite: suite, findings: check.findings) { f in
        f.logicalKind == "component" ? f.logicalName ?? "advisories" : f.position?.file ?? "inventory"
      })
    }
  }
}
