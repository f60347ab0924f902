import Execution
import Foundation
import LocalExec
import Logging
import Planning
import Steps
import Remote
import TestSupport
import Testing

func step(_ id: String, _ host: String, deps: [String] = [], _ op: StepOperation) -> PlannedStep {
  PlannedStep(id: id, phase: "p", host: host, kind: "k", summary: id, action: .create, dependsOn: deps, operation: op)
}

func plan(_ steps: [PlannedStep]) -> Plan {
  Plan(cluster: "t", playbook: "t", factsFingerprint: nil, phases: [], steps: steps)
}

/// An executor that knows an endpoint for every host of the plan it runs.
func executor(_ transport: any Transport, concurrency: Int = 50) -> PlanHostsExecutor {
  PlanHostsExecutor(transport: transport, concurrency: concurrency)
}

struct PlanHostsExecutor {
  var transport: any Transport
  var concurrency: Int
  func run(_ plan: Plan, mode: Executor.Mode, onEvent: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }) async -> ExecutionReport {
    let endpoints = Dictionary(plan.steps.map { ($0.host, HostEndpoint(id: $0.host, address: $0.host, port: 22, user: "test")) }) { a, _ in a }
    return await Executor(transport: transport, endpoints: endpoints, concurrency: concurrency, logger: Logger(label: "test"))
      .run(plan, mode: mode, onEvent: onEvent)
  }
}

/// Records events in order; thread-safe.
final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ e: ExecutionEvent) {
    lock.lock()
    defer { lock.unlock() }
    switch e {
    case .started(let s, _): items.append("start \(s)")
    case .finished(let s, _, let o): items.append("end \(s) \(o)")
    }
  }
  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return items
  }
}

@Suite struct ExecutorWithFakeTransportTests {
  @Test func stepsStartOnlyAfterTheirDependenciesAndApplyThenVerify() async {
    let fake = FakeTransport()
    let p = plan([
      step("a", "h1", .file(path: "/a", content: "A", mode: 0o644, owner: "root", group: "root")),
      step("b", "h2", deps: ["a"], .file(path: "/b", content: "B", mode: 0o644, owner: "root", group: "root")),
    ])
    fake.emulateFileProbe(mode: "644")
    let events = EventLog()
    let report = await executor(fake).run(p, mode: .apply, onEvent: events.add)
    #expect(report.succeeded)
    #expect(report.changedCount == 2)
    #expect(fake.file("h2", "/b") == Array("B".utf8))
    let log = events.all
    #expect(log.firstIndex { $0.hasPrefix("end a") }! < log.firstIndex { $0 == "start b" }!)

    // Running again changes nothing.
    let again = await executor(fake).run(p, mode: .apply)
    #expect(again.changedCount == 0 && again.satisfiedCount == 2)
  }

  @Test func aFailureSkipsDescendantsAndReportsOnlyTheRootCause() async {
    let fake = FakeTransport()
    fake.respond { _, c in
      if c.line == "false-check" { return CommandResult(exitStatus: 1) }
      if c.argv == ["boom"] { return CommandResult(exitStatus: 3, stderr: Array("it broke\n".utf8)) }
      return nil
    }
    let p = plan([
      step("root", "h1", .command(argv: ["boom"], unless: ["false-check"])),
      step("child", "h2", deps: ["root"], .directory(path: "/x", mode: 0o755, owner: "root", group: "root")),
      step("grandchild", "h3", deps: ["child"], .directory(path: "/y", mode: 0o755, owner: "root", group: "root")),
      step("independent", "h4", .command(argv: ["true"], unless: ["true"])),
    ])
    let report = await executor(fake).run(p, mode: .apply)
    #expect(report.failures.map(\.step) == ["root"])
    #expect(report.failures.first?.cause.code == "command-failed")
    #expect(report.failures.first?.cause.message.contains("exited 3: it broke") == true)
    #expect(report.failures.first?.cause.message.contains("[command-failed]") == false, "the code is kept apart")
    #expect(report.outcomes["child"] == .skipped(rootCause: "root"))
    #expect(report.outcomes["grandchild"] == .skipped(rootCause: "root"))
    #expect(report.outcomes["independent"] == .satisfied("`true` succeeded"))
    #expect(!fake.operations.contains { $0.hasPrefix("h2:") || $0.hasPrefix("h3:") })
  }

  @Test func aStepThatDoesNotConvergeIsAnError() async {
    let fake = FakeTransport()
    // The check never passes, whatever apply does.
    fake.respond { _, c in c.line == "check" ? CommandResult(exitStatus: 1) : nil }
    let report = await executor(fake).run(plan([step("s", "h", .command(argv: ["fix"], unless: ["check"]))]), mode: .apply)
    #expect(report.failures.first?.cause.code == "did-not-converge")
    #expect(fake.operations == ["h: run check", "h: run fix", "h: run check"])
  }

  @Test func concurrencyIsBoundedAndEachHostRunsOneStepAtATime() async {
    let fake = FakeTransport()
    fake.commandDelay = .milliseconds(20)
    var steps: [PlannedStep] = []
    for h in 0..<12 {
      for s in 0..<3 { steps.append(step("h\(h)-s\(s)", "h\(h)", .command(argv: ["true"], unless: ["false"]))) }
    }
    fake.respond { _, c in c.line == "false" ? CommandResult(exitStatus: 1) : nil }
    let report = await executor(fake, concurrency: 4).run(plan(steps), mode: .checkOnly)
    #expect(report.failures.isEmpty)
    #expect(report.needsChangeCount == 36)
    #expect(fake.peakConcurrentHosts <= 4)
    #expect(fake.peakConcurrentHosts >= 2, "hosts should run in parallel")
  }

  @Test func unreachableHostFailsOnceAndItsOtherStepsAreSkipped() async {
    let fake = FakeTransport()
    fake.setUnreachable("down")
    let p = plan([
      step("d1", "down", .directory(path: "/x", mode: 0o755, owner: "root", group: "root")),
      step("d2", "down", .directory(path: "/y", mode: 0o755, owner: "root", group: "root")),
      step("u1", "up", .directory(path: "/x", mode: 0o755, owner: "root", group: "root")),
    ])
    fake.emulateFileProbe(mode: "755", directories: true)
    let report = await executor(fake).run(p, mode: .apply)
    #expect(report.failures.map(\.step) == ["d1"])
    #expect(report.failures.first?.cause == FailureCause(code: "connection-refused", message: "connection refused by down:22"))
    #expect(report.outcomes["d2"] == .skipped(rootCause: "d1"))
    #expect(report.outcomes["u1"] == .satisfied("/x exists"))
  }

  @Test func aHostWithoutAnEndpointFailsTypedAndIsNeverGuessed() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "755", directories: true)
    let p = plan([
      step("g1", "ghost", .directory(path: "/x", mode: 0o755, owner: "root", group: "root")),
      step("g2", "ghost", .directory(path: "/y", mode: 0o755, owner: "root", group: "root")),
      step("after", "known", deps: ["g2"], .directory(path: "/z", mode: 0o755, owner: "root", group: "root")),
      step("k1", "known", .directory(path: "/x", mode: 0o755, owner: "root", group: "root")),
    ])
    let known = HostEndpoint(id: "known", address: "10.0.0.9", port: 22, user: "admin")
    let report = await Executor(transport: fake, endpoints: ["known": known], concurrency: 4, logger: Logger(label: "test"))
      .run(p, mode: .apply)
    #expect(report.failures.map(\.step) == ["g1"])
    #expect(report.failures.first?.cause.code == "unknown-host")
    #expect(report.outcomes["g2"] == .skipped(rootCause: "g1"))
    #expect(report.outcomes["after"] == .skipped(rootCause: "g1"))
    #expect(report.outcomes["k1"] == .satisfied("/x exists"))
    // Nothing was tried on the host without an endpoint (the old fallback connected to it as root).
    #expect(!fake.operations.contains { $0.hasPrefix("ghost:") }, "\(fake.operations)")
  }

  @Test func aFailureSkipsEveryDescendantOnceInPlanOrder() async {
    let fake = FakeTransport()
    fake.respond { _, c in c.line == "check" ? CommandResult(exitStatus: 1) : (c.argv == ["boom"] ? CommandResult(exitStatus: 2) : nil) }
    // A diamond below the failure, and a dependency named twice: each descendant is skipped once.
    let p = plan([
      step("root", "h1", .command(argv: ["boom"], unless: ["check"])),
      step("left", "h2", deps: ["root"], .command(argv: ["true"], unless: ["true"])),
      step("right", "h3", deps: ["root", "root"], .command(argv: ["true"], unless: ["true"])),
      step("join", "h4", deps: ["left", "right", "unknown"], .command(argv: ["true"], unless: ["true"])),
    ])
    let events = EventLog()
    let report = await executor(fake).run(p, mode: .apply, onEvent: events.add)
    #expect(report.order == ["root", "left", "right", "join"])
    #expect(events.all.filter { $0.hasPrefix("end ") }.count == 4)
    #expect(report.skippedCount == 3 && report.failures.map(\.step) == ["root"])
  }

  @Test func barriersJoinWithoutBeingReportedOrTouchingAHost() async {
    let fake = FakeTransport()
    fake.respond { _, c in c.line == "false" ? CommandResult(exitStatus: 1) : nil }
    let p = plan([
      step("a", "h1", .command(argv: ["true"], unless: ["false"])),
      step("b", "h2", .command(argv: ["true"], unless: ["false"])),
      PlannedStep(id: "join", phase: "p", host: "", kind: "barrier", summary: "wait", action: .noop,
        dependsOn: ["a", "b"], operation: .barrier),
      step("c", "h3", deps: ["join"], .command(argv: ["true"], unless: ["true"])),
    ])
    let events = EventLog()
    let report = await executor(fake).run(p, mode: .checkOnly, onEvent: events.add)
    #expect(report.outcomes.keys.sorted() == ["a", "b", "c"])
    #expect(report.outcomes["c"] == .satisfied("`true` succeeded"))
    #expect(!events.all.contains { $0.contains("join") })
    #expect(!fake.operations.contains { $0.hasPrefix(": ") }, "a barrier opens no connection")
  }

  @Test func aChangedUnitIsWrittenThenEnabledReloadedOnceAndRestartedInOneCommand() async {
    let fake = FakeTransport()
    let unit = "[Service]\nExecStart=/bin/true\n"
    let started = FakeFlag()
    fake.respond { host, c in
      if c.line.hasPrefix("echo \"$(systemctl is-enabled app.service") {
        let file = fake.file(host, "/etc/systemd/system/app.service") ?? []
        return CommandResult(exitStatus: 0, stdout: Array((started.isSet ? "enabled\nactive\n" : "disabled\ninactive\n").utf8) + file)
      }
      if c.argv.first == "sh", c.argv.contains("restart") || c.argv.contains("start") { started.set() }
      return nil
    }
    let p = plan([step("u", "h", .systemdUnit(name: "app.service", content: unit, enabled: true, running: true))])
    let report = await executor(fake).run(p, mode: .apply)
    #expect(report.succeeded && report.changedCount == 1, "\(report.outcomes)")
    let commands = fake.operations.filter { !$0.contains("is-enabled") }
    let activation = SystemdUnitActivation.argv("app.service", enabled: true, running: true, changed: true)
    #expect(commands == [
      "h: read /etc/systemd/system/app.service",
      "h: write /etc/systemd/system/app.service",
      "h: run \(RemoteCommand(activation).line)",
    ], "\(fake.operations)")
    #expect(activation[2] == "systemctl \"$2\" --no-reload -- \"$1\" && systemctl daemon-reload && systemctl \"$3\" -- \"$1\"")
    #expect(SystemdUnitActivation.argv("app.service", enabled: true, running: true, changed: true).suffix(4)
      == ["sh", "app.service", "enable", "restart"])
    #expect(SystemdUnitActivation.argv("app.service", enabled: false, running: false, changed: false)
      == ["sh", "-c", "systemctl \"$2\" -- \"$1\" && systemctl \"$3\" -- \"$1\"", "sh", "app.service", "disable", "stop"])
  }

  @Test func checkOnlyNeverApplies() async {
    let fake = FakeTransport()
    fake.emulateFileProbe(mode: "600")
    let report = await executor(fake).run(
      plan([step("f", "h", .file(path: "/f", content: "x", mode: 0o600, owner: "root", group: "root"))]), mode: .checkOnly)
    #expect(report.needsChangeCount == 1)
    #expect(report.outcomes["f"] == .needsChange(Change(.create, "/f is absent")))
    #expect(!fake.operations.contains { $0.contains("write") })
  }
}

/// The same executor over a transport that really runs commands and writes files on this machine.
@Suite struct ExecutorWithLocalTransportTests {
  @Test func filesDirectoriesAndCommandsConvergeAndStayConverged() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-local-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
    let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
    let p = plan([
      step("dir", "local", .directory(path: "\(dir)/etc", mode: 0o750, owner: user, group: group)),
      step("file", "local", deps: ["dir"], .file(path: "\(dir)/etc/app.conf", content: "key = value\n", mode: 0o600, owner: user, group: group)),
      step("cmd", "local", deps: ["file"], .command(argv: ["touch", "\(dir)/done"], unless: ["test", "-e", "\(dir)/done"])),
    ])
    let first = await executor(LocalTransport()).run(p, mode: .apply)
    #expect(first.failures.isEmpty, "\(first.failures)")
    #expect(first.changedCount == 3)
    let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/etc/app.conf")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(try String(contentsOfFile: "\(dir)/etc/app.conf", encoding: .utf8) == "key = value\n")

    let second = await executor(LocalTransport()).run(p, mode: .apply)
    #expect(second.changedCount == 0 && second.satisfiedCount == 3, "\(second.outcomes)")

    // Tamper, then a check-only run sees exactly that drift.
    chmod("\(dir)/etc/app.conf", 0o644)
    let drift = await executor(LocalTransport()).run(p, mode: .checkOnly)
    #expect(drift.outcomes["file"] == .needsChange(Change(.update, "mode 0644 -> 0600")))
    #expect(drift.needsChangeCount == 1)
  }

  @Test func uploadsFetchesAndWaitsConverge() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-local-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
    let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
    try "artifact\n".write(toFile: "\(dir)/artifact", atomically: true, encoding: .utf8)
    let sum = try LocalDigest.sha256(ofFile: "\(dir)/artifact")
    let p = plan([
      step("upload", "local", .upload(source: "\(dir)/artifact", path: "\(dir)/installed", sha256: sum, mode: 0o750, owner: user, group: group)),
      step("fetch", "local", deps: ["upload"], .fetch(argv: ["cp", "\(dir)/installed", "\(dir)/made"], remotePath: "\(dir)/made",
        localPath: "\(dir)/state/fetched")),
      step("wait", "local", deps: ["fetch"], .wait(argv: ["test", "-e", "\(dir)/state/fetched"], timeoutSeconds: 5)),
    ])
    let first = await executor(LocalTransport()).run(p, mode: .apply)
    #expect(first.failures.isEmpty, "\(first.failures)")
    #expect(first.changedCount == 2 && first.satisfiedCount == 1)
    #expect(try String(contentsOfFile: "\(dir)/state/fetched", encoding: .utf8) == "artifact\n")
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/made"), "the host's copy is removed")
    #expect((try FileManager.default.attributesOfItem(atPath: "\(dir)/state/fetched")[.posixPermissions] as? Int) == 0o600)
    let second = await executor(LocalTransport()).run(p, mode: .apply)
    #expect(second.changedCount == 0 && second.satisfiedCount == 3, "\(second.outcomes)")
  }

  @Test func anArtifactWhoseChecksumChangedIsNeverUploaded() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-local-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "tampered\n".write(toFile: "\(dir)/artifact", atomically: true, encoding: .utf8)
    let p = plan([
      step("upload", "local", .upload(source: "\(dir)/artifact", path: "\(dir)/installed", sha256: String(repeating: "0", count: 64),
        mode: 0o755, owner: "root", group: "root")),
      step("wait", "local", deps: ["upload"], .wait(argv: ["false"], timeoutSeconds: 1)),
    ])
    let report = await executor(LocalTransport()).run(p, mode: .apply)
    #expect(report.failures.count == 1 && report.skippedCount == 1)
    #expect(report.failures.first?.cause.message.contains("refusing to upload it") == true, "\(report.failures)")
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/installed"))
  }

  @Test func aGuardedConfigConvergesAndARejectedOneIsRolledBack() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-local-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = "\(dir)/rules.conf"
    let good = plan([step("cfg", "local", .guardedConfig(path: path, content: "allow all\n", mode: 0o600, validate: ["grep", "-q", "allow", path],
      activate: ["touch", "\(dir)/active"], deactivate: ["rm", "-f", "\(dir)/active"], liveCheck: ["test", "-e", "\(dir)/active"]))])
    let first = await executor(LocalTransport()).run(good, mode: .apply)
    #expect(first.failures.isEmpty && first.changedCount == 1, "\(first.failures)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "allow all\n")
    let again = await executor(LocalTransport()).run(good, mode: .apply)
    #expect(again.changedCount == 0 && again.satisfiedCount == 1)
    // Not in effect any more: the live check notices.
    try FileManager.default.removeItem(atPath: "\(dir)/active")
    let drift = await executor(LocalTransport()).run(good, mode: .checkOnly)
    #expect(drift.outcomes["cfg"] == .needsChange(Change(.update, "not in effect")))
    // A configuration its validator rejects is put back as it was.
    let bad = plan([step("cfg", "local", .guardedConfig(path: path, content: "deny\n", mode: 0o600, validate: ["grep", "-q", "allow", path],
      activate: ["true"], deactivate: ["true"], liveCheck: []))])
    let rejected = await executor(LocalTransport()).run(bad, mode: .apply)
    #expect(rejected.failures.first?.cause.code == "rolled-back", "\(rejected.failures)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "allow all\n")
  }

  @Test func aGateThatNeverPassesTimesOut() async throws {
    let report = await executor(LocalTransport()).run(plan([step("gate", "local", .wait(argv: ["sh", "-c", "echo not yet >&2; exit 1"], timeoutSeconds: 1))]), mode: .apply)
    #expect(report.failures.first?.cause.message.contains("still failing after 1") == true, "\(report.failures)")
    #expect(report.failures.first?.cause.message.contains("not yet") == true)
  }

  @Test func nonZeroExitIsAValue() async throws {
    let host = try await LocalTransport().connect(to: HostEndpoint(id: "local", address: "localhost", port: 22, user: "root"))
    let r = try await host.run(RemoteCommand(["sh", "-c", "echo out; echo err >&2; exit 7"]))
    #expect(r.exitStatus == 7 && r.stdoutText == "out\n" && r.stderrText == "err\n")
  }
}

/// `LocalHost` reads a child's output on threads of its own from the start: more than a pipe holds
/// on both streams comes through whole, a child that cannot start is an error, and many at once
/// finish (the readability-handler version crashed libdispatch under `netpol hosts --verify`).
@Suite struct LocalHostOutputTests {
  @Test func moreThanAPipeHoldsOnBothStreamsComesThroughWhole() async throws {
    let script = "head -c 300000 /dev/zero | tr '\\0' o; head -c 200000 /dev/zero | tr '\\0' e >&2; exit 3"
    let result = try await LocalHost(id: HostID("local")).run(RemoteCommand(["sh", "-c", script], stdin: Array("in".utf8)))
    #expect(result.exitStatus == 3)
    #expect(result.stdout.count == 300_000 && result.stdout.allSatisfy { $0 == UInt8(ascii: "o") })
    #expect(result.stderr.count == 200_000 && result.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
  }

  @Test func manyAtOnceAllFinish() async throws {
    let host = LocalHost(id: HostID("local"))
    let outputs = try await withThrowingTaskGroup(of: [UInt8].self) { group in
      for n in 0..<32 { group.addTask { try await host.run(RemoteCommand(["sh", "-c", "cat; echo \(n)"], stdin: Array("x".utf8))).stdout } }
      return try await group.reduce(into: [String]()) { $0.append(String(decoding: $1, as: UTF8.self)) }
    }
    #expect(Set(outputs) == Set((0..<32).map { "x\($0)\n" }))
  }
}

