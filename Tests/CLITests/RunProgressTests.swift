import Execution
import Foundation
import Planning
import Testing

@testable import BulwarkCLI

/// Progress without a terminal: timestamped lines, and a "still waiting" line for a long step.
@Suite struct RunProgressTests {
  final class Sink: @unchecked Sendable {
    var text = ""
    var clock = Date(timeIntervalSince1970: 1_800_000_000)
  }

  @Test func plainLinesAndStillWaiting() {
    let sink = Sink()
    let p = RunProgress(total: 2, quiet: false, environment: [:], terminal: false)
    p.write = { sink.text += $0 }
    p.now = { sink.clock }
    #expect(p.style == .plain && !p.color)
    p.handle(.started(step: "harden/h1/sshd", host: "h1"))
    sink.clock += 3
    p.tick()
    #expect(!sink.text.contains("still waiting"))
    sink.clock += 3
    p.tick()
    #expect(sink.text.contains("still waiting for harden/h1/sshd on h1 (6s)"))
    p.handle(.finished(step: "harden/h1/sshd", host: "h1", outcome: .changed("reloaded")))
    let lines = sink.text.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines.allSatisfy { $0.range(of: #"^\[\d\d:\d\d:\d\d\] "#, options: .regularExpression) != nil })
    #expect(lines.last?.hasSuffix("changed  harden/h1/sshd: reloaded") == true)
  }

  @Test func aStepTrustedInPlaceSaysItWasNotCheckedAgain() {
    #expect(RunProgress.line("base/h1/motd", .satisfied(Executor.inPlaceWhenPlanned)) == "  ok       base/h1/motd (in place when planned)")
    #expect(RunProgress.line("base/h1/motd", .satisfied("/etc/motd exists")) == "  ok       base/h1/motd")
  }

  @Test func aFailedStepShowsItsCode() {
    let cause = FailureCause(code: "connection-refused", message: "connection refused by 10.0.0.1:22")
    #expect(RunProgress.line("base/h1/motd", .failed(cause)) == "  FAILED   base/h1/motd: connection refused by 10.0.0.1:22 [connection-refused]")
    let sink = Sink()
    let p = RunProgress(total: 1, quiet: false, environment: [:], terminal: false)
    p.write = { sink.text += $0 }
    p.now = { sink.clock }
    p.handle(.finished(step: "base/h1/motd", host: "h1", outcome: .failed(cause)))
    #expect(sink.text.hasSuffix("FAILED   base/h1/motd: connection refused by 10.0.0.1:22 [connection-refused]\n"))
  }

  @Test func quietAndNoColor() {
    #expect(RunProgress(total: 1, quiet: true, environment: [:], terminal: true).style == .quiet)
    let live = RunProgress(total: 1, quiet: false, environment: ["NO_COLOR": "1", "TERM": "xterm"], terminal: true)
    #expect(live.style == .live && !live.color)
  }
}
