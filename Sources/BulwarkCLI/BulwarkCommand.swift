import ArgumentParser
import Foundation
import Logging
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
      ExecCommand.self, PingCommand.self, LabCommand.self, FetchCommand.self, ReportCommand.self]
  )

  public init() {}
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

  func stateDirectory(cluster: String) -> String {
    StateDirectory.path(inventoryPath: inventory, cluster: cluster, override: stateDir)
  }

  /// Once per process: commands that run others (etcd replace runs an apply) must not bootstrap twice.
  func bootstrapLogging() {
    guard loggingStarted.withLock({ started in defer { started = true }; return !started }) else { return }
    let level: Logger.Level = verbose ? .debug : .warning
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, dot
}

/// Writes to standard output or error without buffering surprises.
enum Console {
  static func out(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
  static func err(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
