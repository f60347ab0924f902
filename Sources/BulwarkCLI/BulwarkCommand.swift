import ArgumentParser
import Foundation
import Inventory
import Logging
import Orchestration
import Support
import Synchronization

public struct BulwarkCommand: AsyncParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "bulwark",
    abstract: "Plan and apply self-managed Kubernetes clusters over SSH.",
    discussion: """
      Exit codes: 0 ok (no changes), 1 error, 2 changes pending or drift found, 3 invalid inventory.
      Shell completions: bulwark --generate-completion-script bash|zsh|fish
      """,
    version: version,
    subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, UpgradeCommand.self, EtcdCommand.self, CertsCommand.self, AuditCommand.self, DriftCommand.self, ChecksCommand.self,
      ExecCommand.self, PingCommand.self, LabCommand.self, FetchCommand.self, ReportCommand.self,
      NetpolCommand.self, AdvisoriesCommand.self]
  )

  public init() {}

  /// Parses, runs the command with Ctrl-C cancelling it (sessions close cleanly), and turns what it
  /// threw into an exit code in one place (`BulwarkExit.code(for:)`).
  public static func main() async {
    let parsed: ParsedCommand
    do { parsed = ParsedCommand(try parseAsRoot()) } catch { exit(withError: error) }
    do {
      try await withInterruptCancellation {
        var command = parsed.command
        if var asyncCommand = command as? any AsyncParsableCommand {
          try await asyncCommand.run()
        } else {
          try command.run()
        }
      }
    } catch {
      exit(withError: BulwarkExit.code(for: error))
    }
  }
}

private let loggingStarted = Mutex(false)

/// Options every command that reads an inventory shares.
struct InventoryOptions: ParsableArguments {
  @Option(name: [.short, .customLong("inventory")], help: "The inventory YAML file.")
  var inventory: String

  @Flag(name: .shortAndLong, help: "Show more detail (commands, debug logs).")
  var verbose = false

  @Option(help: "The cluster's local state (PKI, snapshots); default: NAME.state next to the inventory.")
  var stateDir: String?

  func stateDirectory(cluster: String) -> StateDirectory {
    StateDirectory(inventoryPath: inventory, cluster: cluster, override: stateDir)
  }

  /// Once per process: commands that run others (etcd replace runs an apply) must not bootstrap twice.
  func bootstrapLogging() {
    Self.bootstrapLogging(verbose: verbose)
  }

  static func bootstrapLogging(verbose: Bool) {
    guard loggingStarted.withLock({ started in defer { started = true }; return !started }) else { return }
    let level: Logger.Level = verbose ? .debug : .warning
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
  }

  /// Loads and validates the inventory (invalid: exit 3 with every diagnostic).
  func load() throws(OperationError) -> (Inventory, [Diagnostic]) {
    bootstrapLogging()
    return try ClusterAccess(inventoryPath: inventory, stateDirectoryOverride: stateDir).load()
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, dot, sarif, junit
}

/// Writes to standard output or error without buffering surprises.
enum Console {
  /// Straight from the string's own bytes: a 10,000-host plan is tens of megabytes, not worth a copy.
  static func out(_ text: String) {
    var text = text
    text.withUTF8 { out(bytes: UnsafeRawBufferPointer($0)) }
  }
  /// Bytes as they are (the streamed plan).
  static func out(bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
  }
  static func err(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
  /// A notice from the library, as it is.
  static let notices: NoticeSink = { notice in err(notice.text + (notice.text.hasSuffix("\n") ? "" : "\n")) }
}

/// Cancels `body` on SIGINT (Ctrl-C), so sessions close cleanly instead of the process dying.
func withInterruptCancellation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
  signal(SIGINT, SIG_IGN)
  let task = Task { try await body() }
  let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
  source.setEventHandler {
    FileHandle.standardError.write(Data("\ninterrupted: closing sessions\n".utf8))
    task.cancel()
  }
  source.resume()
  defer {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
  return try await task.value
}

/// The parsed command, handed once to the task that runs it.
private struct ParsedCommand: @unchecked Sendable {
  let command: any ParsableCommand
  init(_ command: any ParsableCommand) { self.command = command }
}
