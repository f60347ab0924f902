import Hardening
import Inventory
import Remote

/// Asks every host which OpenSSH server it runs (`sshd -V`, read-only, unprivileged, one round trip
/// each), so the sshd hardening writes only keywords that sshd knows (`HardeningInputs.openSSH`).
/// A host that cannot be asked, or names no version, is left out: it gets no keyword that needs a
/// newer sshd, and the warning names it. `skipping`: hosts already found unreachable in this plan
/// (the etcd facts' warning named them), not tried again.
public enum OpenSSHVersions {
  /// What the hosts answered: their versions, and the error of each host that could not be asked,
  /// so a caller's next round trip need not try it again.
  public struct Gathered: Sendable {
    public var versions: [String: OpenSSHVersion] = [:]
    public var unreachable: [String: String] = [:]
    public init() {}
  }

  public static func gather(
    _ inv: Inventory, fleet: Fleet, skipping: Set<String> = [], notices: NoticeSink = { _ in }
  ) async -> Gathered {
    let probe = RemoteCommand.script(HardeningScripts.openSSHVersion(), privileged: false)
    let outcomes = await fleet.run(on: inv.hosts.map(\.name).filter { !skipping.contains($0) }) { host in
      try await host.run(probe).stdoutText
    }
    var gathered = Gathered()
    for o in outcomes.sorted(by: { $0.host < $1.host }) {
      switch o.result {
      case .success(let text):
        if let v = OpenSSHVersion(parsing: text) {
          gathered.versions[o.host] = v
        } else {
          notices(Notice(.warning, "warning: \(o.host) names no OpenSSH version (sshd -V); its sshd hardening leaves out what needs a newer sshd"))
        }
      case .failure(let e):
        gathered.unreachable[o.host] = describe(e)
        notices(Notice(.warning, "warning: no OpenSSH version from \(o.host): \(describe(e))"))
      }
    }
    return gathered
  }

  /// The versions as one line for the plan's facts fingerprint: a host whose sshd changed makes a
  /// saved plan stale, since its drop-in may hold other keywords.
  static func fingerprint(_ versions: [String: OpenSSHVersion]) -> String {
    versions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
  }
}
