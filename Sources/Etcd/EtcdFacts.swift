import Crypto
import Foundation
import Inventory
import Remote
import Support

/// What one etcd host says about itself: the service state, the version of the binary actually
/// running, whether it holds member data, and (when it serves) the cluster's member list.
public struct EtcdHostFacts: Sendable, Equatable {
  public var activeState: String
  /// The running process's version, from its own binary; nil when etcd is not running.
  public var runningVersion: Version?
  public var hasData: Bool
  /// The member list as this member sees it; empty when it does not answer.
  public var members: [EtcdMember]

  public var isRunning: Bool { activeState == "active" || activeState == "activating" }
}

public struct EtcdMember: Sendable, Equatable {
  public var id: String
  public var name: String
  public var peerURL: String
  public var started: Bool
}

/// The cluster as the facts show it.
public struct EtcdClusterFacts: Sendable {
  public var hosts: [String: EtcdHostFacts]
  /// Facts from a host that could not be probed are absent; these say why.
  public var unreachable: [String: String]

  public init(hosts: [String: EtcdHostFacts], unreachable: [String: String] = [:]) {
    self.hosts = hosts
    self.unreachable = unreachable
  }

  /// A fresh cluster: no host runs etcd or holds member data.
  public static let fresh = EtcdClusterFacts(hosts: [:])

  /// The member list, from the first running member that answered.
  public var members: [EtcdMember] { hosts.keys.sorted().lazy.compactMap { self.hosts[$0]!.members.isEmpty ? nil : self.hosts[$0]!.members }.first ?? [] }
  /// Whether a cluster already exists (some member serves, or holds data).
  public var exists: Bool { hosts.values.contains { $0.isRunning || $0.hasData } }

  public func isMember(_ name: String) -> Bool { members.contains { $0.name == name } }

  /// A digest of everything the plan depends on, for saved plans and the plan header.
  public var fingerprint: String {
    var text = ""
    for name in hosts.keys.sorted() {
      let h = hosts[name]!
      text += "\(name) \(h.activeState) \(h.runningVersion?.description ?? "-") \(h.hasData)\n"
    }
    for m in members { text += "member \(m.id) \(m.name) \(m.peerURL) \(m.started)\n" }
    for name in unreachable.keys.sorted() { text += "unreachable \(name)\n" }
    return hexString(SHA256.hash(data: Array(text.utf8)))
  }
}

/// The read-only probe, and its pure parser.
public enum EtcdProbe {
  /// One round trip: `key=value` lines, then the member list in etcdctl's simple format.
  public static func command(_ layout: EtcdLayout) -> RemoteCommand {
    let pki = EtcdLayout.PKIFile.self
    let script = """
      state=$(systemctl show -p ActiveState --value \(EtcdLayout.unitName) 2>/dev/null)
      echo "state=${state:-unknown}"
      pid=$(systemctl show -p MainPID --value \(EtcdLayout.unitName) 2>/dev/null)
      exe=""
      if [ -n "$pid" ] && [ "$pid" != 0 ]; then exe=$(readlink "/proc/$pid/exe"); fi
      if [ -n "$exe" ]; then echo "version=$("$exe" --version 2>/dev/null | sed -n 's/^etcd Version: //p')"; fi
      if [ -d \(EtcdLayout.dataDirectory)/member ]; then echo data=yes; else echo data=no; fi
      if [ -n "$exe" ] && [ -x "$(dirname "$exe")/etcdctl" ]; then
        echo members:
        ETCDCTL_API=3 "$(dirname "$exe")/etcdctl" --endpoints=https://127.0.0.1:\(EtcdLayout.clientPort) \\
          --cacert=\(pki.ca.path) --cert=\(pki.healthcheckCert.path) --key=\(pki.healthcheckKey.path) \\
          --dial-timeout=3s --command-timeout=5s member list -w simple 2>/dev/null || true
      fi
      exit 0
      """
    return RemoteCommand(["sh", "-c", script])
  }

  public static func parse(_ output: String) -> EtcdHostFacts {
    var facts = EtcdHostFacts(activeState: "unknown", runningVersion: nil, hasData: false, members: [])
    var inMembers = false
    for line in output.split(separator: "\n").map(String.init) {
      if inMembers {
        // ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER
        let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard f.count >= 4 else { continue }
        facts.members.append(EtcdMember(id: f[0], name: f[2], peerURL: f[3], started: f[1] == "started"))
        continue
      }
      if line == "members:" { inMembers = true; continue }
      guard let eq = line.firstIndex(of: "=") else { continue }
      let key = line[..<eq], value = String(line[line.index(after: eq)...])
      switch key {
      case "state": facts.activeState = value
      case "version": facts.runningVersion = Version(value)
      case "data": facts.hasData = value == "yes"
      default: continue
      }
    }
    return facts
  }
}

/// Version rules for changing a running cluster: one minor version at a time, never down.
public enum EtcdVersionPolicy {
  /// nil when moving every running member to `target` is allowed; otherwise why not.
  public static func refusal(running: [String: Version], target: Version) -> String? {
    for (host, current) in running.sorted(by: { $0.key < $1.key }) {
      if current == target { continue }
      if current.major != target.major {
        return "etcd \(current) on \(host) cannot move to \(target): a major version change is not supported"
      }
      if (target.minor, target.patch) < (current.minor, current.patch) {
        return "etcd \(current) on \(host) would be downgraded to \(target); downgrades are refused"
      }
      if target.minor > current.minor + 1 {
        return "etcd \(current) on \(host) would skip a minor version on the way to \(target); upgrade to \(current.major).\(current.minor + 1) first"
      }
    }
    return nil
  }
}
