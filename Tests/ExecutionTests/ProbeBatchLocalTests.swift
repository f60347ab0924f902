import Foundation
import LocalExec
import Planning
import Remote
import Steps
import Testing

/// Probes batched into one script and run by this machine's own shell: what they read back is what
/// the kernel and the files say.
@Suite struct ProbeBatchLocalTests {
  /// A kernel parameter whose value has a tab (two fields), one that does not exist, and a command
  /// probe: one batch, read back per step.
  @Test func kernelParametersAndCommandsAreReadAsTheHostHasThem() async throws {
    let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
      .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-sysctl-\(getpid()).conf").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let steps: [PlannedStep] = [
      step("range", "local", .sysctl(settings: ["net.ipv4.ip_local_port_range": range], file: file)),
      step("missing", "local", .sysctl(settings: ["net.bulwark.no_such_key": "1"], file: file)),
      step("cmd", "local", .command(argv: ["true"], unless: ["sh", "-c", "exit 0"])),
    ]
    let probed = steps.compactMap { StepFactory.make($0) as? any ProbedStep }
    #expect(probed.count == 3)
    let batch = StepObservation.Batch(host: "local", steps: probed)
    let host = try await LocalTransport().connect(to: HostEndpoint(id: "local", address: "localhost", port: 22, user: "root"))
    let r = try await host.run(RemoteCommand(["sh", "-c", batch.script]))
    let observed = batch.read(r.stdoutText).steps.map(\.0)
    // The value matches (the tab read as a space); only the file is still to be written.
    #expect(observed[0].detail?.hasPrefix("\(file) is not written yet") == true, "\(observed[0])")
    #expect(observed[0].detail?.contains("ip_local_port_range") == false, "\(observed[0])")
    #expect(observed[1].detail?.contains("not settable on this host (shared kernel): net.bulwark.no_such_key") == true, "\(observed[1])")
    #expect(observed[2].state == .unchanged, "\(observed[2])")
  }
}
