import ArgumentParser
import Foundation
import Inventory
import Orchestration
import Remote
import SSH
import Support

/// The inventory plus how many hosts to work on at once: what every SSH command needs.
struct ConnectionOptions: ParsableArguments {
  @OptionGroup var inventory: InventoryOptions

  @Option(help: "Hosts worked on at once (default: the inventory's ssh.concurrency).")
  var concurrency: Int?

  func access(forceBecome: Bool = false) -> ClusterAccess {
    inventory.bootstrapLogging()
    return ClusterAccess(inventoryPath: inventory.inventory, stateDirectoryOverride: inventory.stateDir,
      concurrency: concurrency, forceBecome: forceBecome, beforeConnect: askForPassphraseIfNeeded)
  }

  /// Loads the inventory (refusing invalid ones) and builds the SSH transport for all its hosts.
  func connect(forceBecome: Bool = false) throws -> (Inventory, [Diagnostic], Fleet) {
    try access(forceBecome: forceBecome).connect()
  }
}

/// What `exec`, `ping`, `audit`, `drift` and `report` share: the connection options and a host limit.
struct FleetOptions: ParsableArguments {
  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Only these hosts: role=NAME, site=NAME or host=NAME (comma-separated or repeated).")
  var limit: [String] = []

  func fleet(forceBecome: Bool = false) throws -> (Inventory, [ClusterHost], Fleet) {
    let (inv, _, fleet) = try connection.connect(forceBecome: forceBecome)
    return (inv, try HostLimit(limit).select(inv), fleet)
  }
}

/// When a key is encrypted and BULWARK_KEY_PASSPHRASE is unset, asks once on the terminal (echo
/// off) and keeps the answer in this process's environment for the SSH layer. Never on a pipe.
@Sendable func askForPassphraseIfNeeded(_ keys: [String]) {
  let variable = "BULWARK_KEY_PASSPHRASE"
  guard ProcessInfo.processInfo.environment[variable] == nil, isatty(STDIN_FILENO) == 1,
    let encrypted = Set(keys).sorted().first(where: { KeyFiles.isEncrypted($0) }),
    let answer = getpass("Passphrase for \(encrypted): ")
  else { return }
  setenv(variable, String(cString: answer), 1)
}

func milliseconds(_ d: Duration) -> String {
  let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
  return String(format: "%.0f ms", ms)
}

struct ExecCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "exec",
    abstract: "Run a command on hosts over SSH and print the results grouped per host.",
    discussion: "Exits 0 when every host ran the command with exit status 0, 1 otherwise.")

  @OptionGroup var options: FleetOptions

  @Flag(help: "Run as root: through sudo when the login user is not root (a password comes from ssh.becomePasswordEnv).")
  var sudo = false

  @Option(help: "Seconds before the command is stopped on each host.")
  var timeout: Int?

  @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.")
  var command: [String] = []

  func run() async throws {
    let argv = command.first == "--" ? Array(command.dropFirst()) : command
    guard !argv.isEmpty else { throw ValidationError("give a command after --, e.g. bulwark exec -i inv.yaml -- uptime") }
    let (_, hosts, fleet) = try options.fleet(forceBecome: sudo)
    let command = RemoteCommand(argv, privileged: sudo, timeoutSeconds: timeout)
    let outcomes = await fleet.run(on: hosts.map(\.name)) { host in try await host.run(command) }
    var failed = 0
    for o in outcomes {
      switch o.result {
      case .success(let r):
        if !r.succeeded { failed += 1 }
        Console.out("== \(o.host): exit \(r.exitStatus) (\(milliseconds(o.elapsed)))\n")
        if !r.stdout.isEmpty { Console.out(r.stdoutText + (r.stdoutText.hasSuffix("\n") ? "" : "\n")) }
        if !r.stderr.isEmpty { Console.out("-- stderr\n" + r.stderrText + (r.stderrText.hasSuffix("\n") ? "" : "\n")) }
      case .failure(let e):
        failed += 1
        Console.out("== \(o.host): FAILED: \(describe(e))\n")
      }
    }
    Console.out("\(outcomes.count - failed) of \(outcomes.count) hosts succeeded\n")
    if failed > 0 { throw BulwarkExit.failure }
  }
}

struct PingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ping",
    abstract: "Connect to each host; report its OS, architecture and command round-trip time.",
    discussion: "Exits 1 if any host cannot be reached, authenticated or verified.")

  @OptionGroup var options: FleetOptions

  func run() async throws {
    let (_, hosts, fleet) = try options.fleet()
    let outcomes = await FleetPing.ping(hosts.map(\.name), fleet: fleet)
    let width = max(4, outcomes.map { $0.host.count }.max() ?? 0)
    var failed = 0
    for o in outcomes {
      let name = o.host.padding(toLength: width, withPad: " ", startingAt: 0)
      switch o.result {
      case .success(let r):
        Console.out("\(name)  ok    \(r.os), \(r.arch), rtt \(milliseconds(r.roundTrip)), connect+probe \(milliseconds(o.elapsed)), \(r.kex), \(r.hostKey)\n")
      case .failure(let e):
        failed += 1
        Console.out("\(name)  FAIL  \(describe(e))\n")
      }
    }
    Console.out("\(outcomes.count - failed) of \(outcomes.count) hosts answered\n")
    if failed > 0 { throw BulwarkExit.failure }
  }
}
