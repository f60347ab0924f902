import Foundation
import Remote
import SSH

/// `ping`: connect to each host and ask its OS and architecture in one command, timing the round
/// trip; the SSH algorithms the session negotiated come along.
public enum FleetPing {
  public struct Report: Sendable {
    public var os: String, arch: String, roundTrip: Duration, kex: String, hostKey: String
  }

  static let probe = RemoteCommand.script(". /etc/os-release 2>/dev/null; echo \"${PRETTY_NAME:-unknown}\"; uname -m", privileged: false)

  public static func ping(_ hosts: [HostID], fleet: Fleet) async -> [Fleet.Outcome<Report>] {
    await fleet.run(on: hosts) { host -> Report in
      let clock = ContinuousClock(), start = clock.now
      let r = try await host.run(probe)
      let rtt = clock.now - start
      let lines = r.stdoutText.split(separator: "\n").map(String.init)
      let negotiated = (host as? SSHHost)?.negotiated
      return Report(
        os: lines.first ?? "?", arch: lines.dropFirst().first ?? "?", roundTrip: rtt, kex: negotiated?.kex ?? "",
        hostKey: negotiated?.hostKey ?? "")
    }
  }
}
