import Foundation
import Planning
import Steps
import Testing

/// What a step's check says when the host differs: what it found against what is wanted.
@Suite struct CheckMessageTests {
  func evaluated(_ operation: StepOperation, status: Int32, stdout: String) throws -> CheckResult {
    let planned = PlannedStep(id: "p/h1/s", phase: "p", host: "h1", kind: "k", summary: "s", action: .run, dependsOn: [],
      operation: operation)
    let step = try #require(StepFactory.make(planned) as? any ProbedStep)
    return try step.evaluate(ProbeOutput(status: status, stdout: Array(stdout.utf8)))
  }

  let longCheck = ["sh", "-c", String(repeating: "true; ", count: 30)]

  @Test func aCommandCheckSaysWhatItFound() throws {
    let op = StepOperation.command(argv: ["true"], unless: longCheck)
    #expect(try evaluated(op, status: 1, stdout: "etcd.service is inactive (dead), not running yet\n")
      == .needsChange(Change(.run, "etcd.service is inactive (dead), not running yet")))
    #expect(try evaluated(op, status: 1, stdout: "/etc/a mode 0644, wants 0600 or stricter\n/etc/b owner x:y, wants root:root\n")
      == .needsChange(Change(.run, "/etc/a mode 0644, wants 0600 or stricter; /etc/b owner x:y, wants root:root")))
  }

  @Test func aSilentLongCheckIsNotCalledItsCheck() throws {
    let op = StepOperation.command(argv: ["true"], unless: longCheck)
    guard case .needsChange(let change) = try evaluated(op, status: 1, stdout: "") else {
      Issue.record("a failed check needs a change")
      return
    }
    #expect(change.detail == "not done yet (exit 1)")
    #expect(try evaluated(op, status: 0, stdout: "") == .satisfied("already done"))
  }

  @Test func aShortCheckIsShownItself() throws {
    let op = StepOperation.command(argv: ["true"], unless: ["test", "-f", "/x"])
    #expect(try evaluated(op, status: 1, stdout: "") == .needsChange(Change(.run, "`test -f /x` exited 1")))
  }

  @Test func whatAHostPrintedCannotSteerTheTerminal() throws {
    let op = StepOperation.command(argv: ["true"], unless: longCheck)
    #expect(try evaluated(op, status: 1, stdout: "member \u{1B}[2Jx\u{202E}y is still in the cluster\n")
      == .needsChange(Change(.run, "member [2Jxy is still in the cluster")))
    guard case .needsChange(let long) = try evaluated(op, status: 1, stdout: String(repeating: "a", count: 1000)) else {
      Issue.record("a failed check needs a change")
      return
    }
    #expect(long.detail.count == 300)
  }

  func sysctl(_ file: String) throws -> CheckResult {
    let op = StepOperation.sysctl(settings: ["net.a": "0", "net.b": "1"], file: "/etc/sysctl.d/90-b.conf")
    return try evaluated(op, status: 0, stdout: "net.a|rw|0\nnet.b|rw|1\n" + file)
  }

  @Test func aSysctlFileNotWrittenYetIsNotCalledUnpersisted() throws {
    #expect(try sysctl("") == .needsChange(Change(.update, "/etc/sysctl.d/90-b.conf is not written yet")))
  }

  @Test func aSysctlFileThatDiffersSaysHow() throws {
    #expect(try sysctl("net.a = 1\nnet.c=2\n")
      == .needsChange(Change(.update, "/etc/sysctl.d/90-b.conf: net.a = 1, wants 0; net.b missing; also sets net.c")))
    #expect(try sysctl("# Managed by Bulwark.\nnet.a = 0\nnet.b = 1\n") == .satisfied("kernel parameters set"))
    #expect(try sysctl("# edited\nnet.a = 0\nnet.b = 1\n")
      == .needsChange(Change(.update, "/etc/sysctl.d/90-b.conf: other comments or layout than Bulwark's")))
  }
}
