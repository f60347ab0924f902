import ArgumentParser
import Findings
import Foundation
import NetworkPolicy
import Support

/// `bulwark netpol`: Kubernetes NetworkPolicy analysis from manifests, offline (no cluster, no SSH).
/// Exit codes: 0 ok, 1 error, 2 connectivity changed (diff) / denied (query) / error-level findings
/// (exposure), 3 invalid input (no manifest could be read).
public struct NetpolCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "netpol",
    abstract: "Analyse Kubernetes NetworkPolicies from manifests (list, diff, query, exposure, recommend) and the host firewall matrix (hosts).",
    discussion: """
      Reads YAML or JSON manifests (many documents, kind: List, directory trees, or - for stdin, such as \
      `kubectl get pods,deploy,sts,ds,rs,job,cronjob,ns,netpol -A -o json`). Workloads are shown as \
      namespace/name[Kind], external ranges as A-B[External].
      """,
    subcommands: [List.self, Diff.self, Query.self, Exposure.self, Recommend.self, Hosts.self])

  public init() {}

  static let ok = ExitCode(0), failure = ExitCode(1), changed = ExitCode(2), invalidInput = ExitCode(3)

  /// Loads the paths, prints every diagnostic to stderr, and stops with 3 when nothing could be read.
  /// Returns whether any diagnostic was an error (the caller exits 1 after printing its result).
  static func load(_ paths: [String]) throws -> (manifests: Manifests, hadErrors: Bool) {
    let result = ManifestLoader().load(paths: paths, stdin: { Array(FileHandle.standardInput.readDataToEndOfFile()) })
    for d in result.diagnostics.sortedByLocation() {
      FileHandle.standardError.write(Data(((d.severity == .warning ? d.rendered.replacingOccurrences(of: "warning:", with: "note:") : d.rendered) + "\n").utf8))
    }
    if result.documentsRead == 0 {
      FileHandle.standardError.write(Data("error: no manifest could be read from \(paths.joined(separator: " "))\n".utf8))
      throw invalidInput
    }
    return (result.manifests, result.diagnostics.hasErrors)
  }

  static func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
  static func err(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

extension ReportFormat: ExpressibleByArgument {}

extension NetpolCommand {
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Every allowed connection, one line per pair: SRC => DST : CONNS.")

    @Argument(help: "Manifest files or directories; - reads stdin.") var paths: [String]
    @Option(name: [.short, .customLong("output")], help: "txt, json, csv, md or dot.") var output: ReportFormat = .txt

    func run() async throws {
      let (manifests, hadErrors) = try NetpolCommand.load(paths)
      NetpolCommand.out(ConnectionReport.render(ConnectivityAnalysis(manifests).connections(), as: output))
      if hadErrors { throw NetpolCommand.failure }
    }
  }

  struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What a change adds, removes or changes; exits 2 when connectivity changes, 0 when not.")

    @Argument(help: "The manifests before the change (file or directory).") var before: String
    @Argument(help: "The manifests after the change.") var after: String
    @Option(name: [.short, .customLong("output")], help: "txt, json, csv, md or dot.") var output: ReportFormat = .txt

    func run() async throws {
      let (old, oldErrors) = try NetpolCommand.load([before])
      let (new, newErrors) = try NetpolCommand.load([after])
      let changes = ConnectivityDiff.compare(old, new)
      NetpolCommand.out(ConnectivityDiff.render(changes, as: output))
      if oldErrors || newErrors { throw NetpolCommand.failure }
      if !changes.isEmpty { throw NetpolCommand.changed }
    }
  }

  struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "May one workload reach another (on a port)? Exits 0 when allowed, 2 when denied.")

    @Argument(help: "Manifest files or directories; - reads stdin.") var paths: [String]
    @Option(help: "Source: ns/name[Kind], ns/name, or an IP address.") var from: String
    @Option(help: "Destination, optionally with :PORT/PROTO (e.g. db/postgres:5432/TCP).") var to: String
    @Flag(help: "Name the policies and rule indexes that decided it.") var explain = false

    func run() async throws {
      let (manifests, hadErrors) = try NetpolCommand.load(paths)
      let analysis = ConnectivityAnalysis(manifests)
      let (target, port) = try Self.splitPort(to)
      guard let source = analysis.endpoint(named: from) else { throw ValidationError("unknown source \"\(from)\"") }
      guard let destination = analysis.endpoint(named: target) else {
        throw ValidationError("unknown destination \"\(target)\"")
      }
      let answer = analysis.explain(from: source, to: destination, port: port)
      NetpolCommand.out(explain ? answer.text : answer.answer + "\n")
      if hadErrors { throw NetpolCommand.failure }
      if !answer.isAllowed { throw NetpolCommand.changed }
    }

    /// `W`, `W:PORT` (TCP) or `W:PORT/PROTO`. A trailing `:N` after an IPv6 address needs the `/PROTO`.
    static func splitPort(_ text: String) throws -> (String, (proto: L4Protocol, number: Int)?) {
      guard let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") else { return (text, nil) }
      let tail = text[text.index(after: colon)...]
      let parts = tail.split(separator: "/", maxSplits: 1).map(String.init)
      guard let n = parts.first.flatMap({ Int($0) }) else { return (text, nil) }
      guard (1...65535).contains(n) else { throw ValidationError("port \(n) is outside 1-65535") }
      let protoText = parts.count == 2 ? parts[1].uppercased() : "TCP"
      guard let proto = L4Protocol(rawValue: protoText) else {
        throw ValidationError("\"\(protoText)\" is not TCP, UDP or SCTP")
      }
      return (String(text[..<colon]), (proto, n))
    }
  }

  struct Exposure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What is not least privilege; exits 2 when a finding is at error level.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif }

    @Argument(help: "Manifest files or directories; - reads stdin.") var paths: [String]
    @Option(name: [.short, .customLong("output")], help: "text, json, junit or sarif.") var output: Format = .text

    func run() async throws {
      let (manifests, hadErrors) = try NetpolCommand.load(paths)
      let findings = NetworkPolicy.Exposure.findings(ConnectivityAnalysis(manifests))
      switch output {
      case .text: NetpolCommand.out(NetworkPolicy.Exposure.text(findings))
      case .json: NetpolCommand.out(NetworkPolicy.Exposure.json(findings))
      case .junit: NetpolCommand.out(NetworkPolicy.Exposure.junit(findings))
      case .sarif: NetpolCommand.out(NetworkPolicy.Exposure.sarif(findings))
      }
      if hadErrors { throw NetpolCommand.failure }
      if NetworkPolicy.Exposure.hasErrors(findings) { throw NetpolCommand.changed }
    }
  }

  struct Recommend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write NetworkPolicy YAML for an intended connectivity (a file of SRC => DST : CONNS lines).",
      discussion: "Checks its own output: the analysis of the recommended policies must give exactly the intent, else exit 1.")

    @Argument(help: "Manifest files or directories holding the workloads; - reads stdin.") var paths: [String]
    @Option(help: "The intended connections, in netpol list's format.") var intent: String

    func run() async throws {
      let (manifests, hadErrors) = try NetpolCommand.load(paths)
      guard let data = FileManager.default.contents(atPath: intent) else {
        NetpolCommand.err("error: cannot read \(intent)\n")
        throw NetpolCommand.invalidInput
      }
      let parsed = IntentParser.parse(String(decoding: data, as: UTF8.self), file: intent)
      let recommendation = Recommender.recommend(manifests, intent: parsed.flows)
      for d in parsed.diagnostics + recommendation.diagnostics { NetpolCommand.err(d.rendered + "\n") }
      NetpolCommand.out(recommendation.yaml)
      let problems = Recommender.verify(manifests, policies: recommendation.policies, intent: parsed.flows)
      for p in problems { NetpolCommand.err("mismatch: \(p)\n") }
      if hadErrors || !problems.isEmpty || (parsed.diagnostics + recommendation.diagnostics).hasErrors {
        throw NetpolCommand.failure
      }
    }
  }
}
