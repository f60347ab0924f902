import Advisories
import ArgumentParser
import Findings
import Foundation
import Orchestration
import Support

/// `bulwark advisories`: import advisory data an operator downloaded, and list what applies to a
/// component or a version (with upgrade advice). Exit codes: 0 nothing at refuse level, 2 findings at
/// refuse level, 1 an error, 3 bad input (a malformed file, an unknown version).
public struct AdvisoriesCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "advisories", abstract: "Known vulnerabilities in the components Bulwark installs.",
    subcommands: [Import.self, List.self])
  public init() {}

  static let defaultDataPath = NSString(string: "~/.local/share/bulwark/advisories.json").expandingTildeInPath

  static func exit(for error: AdvisoryError) -> ExitCode {
    error.code == .badInput || error.code == .unknownVersion || error.code == .unknownComponent ? ExitCode(3) : ExitCode(1)
  }

  static func today() -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd"
    return f.string(from: Date())
  }

  static func fail(_ error: AdvisoryError) -> ExitCode {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    return exit(for: error)
  }

  /// Imports files into the state file; the shipped data stays read-only.
  public struct Import: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Merge a Kubernetes CVE feed, OSV records or Bulwark advisory files into the local data.")
    @Option(name: .long, help: "The state file holding imported data.") var data: String = AdvisoriesCommand.defaultDataPath
    @Argument(help: "Files to import.") var files: [String]
    public init() {}

    public func run() async throws {
      let state: AdvisoryDatabase
      do {
        state = FileManager.default.fileExists(atPath: data)
          ? try AdvisoryDatabase.load(path: data) : AdvisoryDatabase(data: AdvisoryData(generated: AdvisoriesCommand.today()))
      } catch { throw AdvisoriesCommand.fail(error) }
      switch AdvisoryImport.read(paths: files, today: AdvisoriesCommand.today()) {
      case .failure(let e): throw AdvisoriesCommand.fail(e)
      case .success(let (imported, report)):
        do { try state.merging(imported).save(to: data) } catch { throw AdvisoriesCommand.fail(error) }
        for s in report.skipped { print("skipped: \(s)") }
        print("imported \(imported.advisories.count) advisories into \(data) (\(report.skipped.count) entries skipped)")
      }
    }
  }

  /// Lists advisories, or, with `--version`, what applies to that version and how to clear it.
  public struct List: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Show the advisories that apply.")
    /// `ids`: the id of each advisory that applies, one a line (for scripts that write waivers).
    enum Format: String, ExpressibleByArgument { case text, json, sarif, junit, ids }
    @Option(name: .long, help: "The state file holding imported data.") var data: String = AdvisoriesCommand.defaultDataPath
    @Option(name: .long, help: "A component: \(Component.allCases.map(\.rawValue).joined(separator: ", ")).") var component: String?
    @Option(name: .long, help: "A version to match (needs --component).") var version: String?
    @Option(name: .shortAndLong, help: "Output: text, json, sarif, junit or ids.") var output: Format = .text
    @Option(name: .long, help: "A condition that holds (repeatable), e.g. windows-nodes.") var condition: [String] = []
    @Option(name: .long, help: "A condition known not to hold (repeatable).") var without: [String] = []
    public init() {}

    public func run() async throws {
      let db: AdvisoryDatabase
      do { db = try AdvisoryDatabase.installed(statePath: data) } catch { throw AdvisoriesCommand.fail(error) }
      var comp: Component?
      if let component {
        guard let c = Component(rawValue: component) else {
          throw AdvisoriesCommand.fail(AdvisoryError(
            .unknownComponent, "\"\(component)\" is not a component; \(suggestion(for: component, in: Component.allCases.map(\.rawValue)))"))
        }
        comp = c
      }
      guard let version else {
        guard output == .text || output == .ids else {
          throw AdvisoriesCommand.fail(AdvisoryError(.badInput, "-o \(output.rawValue) needs --component and --version"))
        }
        return printList(db.advisories(for: comp), idsOnly: output == .ids)
      }
      guard let comp else { throw ValidationError("--version needs --component") }
      guard let v = UpstreamVersion(version) else { throw AdvisoriesCommand.fail(AdvisoryError.unknownVersionError(version)) }
      var facts: ConditionFacts = [:]
      for c in condition { facts[c] = true }
      for c in without { facts[c] = false }
      guard let today = Day(AdvisoriesCommand.today()) else { throw ExitCode(1) }
      let listing = AdvisoryListing(db, component: comp, version: v, conditions: facts, today: today)
      switch output {
      case .text: print(listing.text, terminator: "")
      case .json:
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: (try? enc.encode(listing.findings)) ?? Data(), as: UTF8.self))
      case .sarif: print(listing.sarif, terminator: "")
      case .junit: print(listing.junit, terminator: "")
      case .ids: for f in listing.findings where f.ruleID != VulnerabilityPolicy.ruleEndOfLife { print(f.ruleID) }
      }
      if listing.refuses { throw ExitCode(2) }
    }

    func printList(_ list: [Advisory], idsOnly: Bool) {
      for a in list {
        if idsOnly { print(a.id); continue }
        let comps = a.components.sorted().map(\.rawValue).joined(separator: ",")
        print("\(a.id)\t\(a.severity.label)\t\(comps)\t\(a.summary)")
      }
    }
  }
}

extension AdvisoryError {
  static func unknownVersionError(_ text: String) -> AdvisoryError {
    AdvisoryError(.unknownVersion, "\"\(text)\" is not a version Bulwark can compare (expected e.g. 1.30.2, v3.5.9, 9.2p1)")
  }
}
