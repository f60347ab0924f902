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
  /// Entries of that list whose values failed their checks, left out of `members`.
  public var refusedMembers: [EtcdMemberRefusal] = []

  public var isRunning: Bool { activeState == "active" || activeState == "activating" }
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

  /// The host whose member list counts: the first, by name, that listed any member.
  private var listSource: EtcdHostFacts? {
    hosts.sorted { $0.key < $1.key }.lazy.map(\.value).first { !$0.members.isEmpty || !$0.refusedMembers.isEmpty }
  }
  /// The member list, from the first running member that answered.
  public var members: [EtcdMember] { listSource?.members ?? [] }
  /// The entries of that list that were refused: their values may not go into a script.
  public var refusedMembers: [EtcdMemberRefusal] { listSource?.refusedMembers ?? [] }
  /// Whether a cluster already exists (some member serves, or holds data).
  public var exists: Bool { hosts.values.contains { $0.isRunning || $0.hasData } }

  public func isMember(_ name: String) -> Bool { members.contains { $0.name == name } }

  /// A digest of everything the plan depends on, for saved plans and the plan header.
  public var fingerprint: String {
    var text = ""
    for (name, h) in hosts.sorted(by: { $0.key < $1.key }) {
      text += "\(name) \(h.activeState) \(h.runningVersion?.description ?? "-") \(h.hasData)\n"
    }
    for m in members { text += "member \(m.id) \(m.name) \(m.peerURL) \(m.started)\n" }
    for r in refusedMembers { text += "refused \(r.code) \(r.message)\n" }
    for name in unreachable.keys.sorted() { text += "unreachable \(name)\n" }
    return hexString(SHA256.hash(data: Array(text.utf8)))
  }
}

/// The read-only probe, and its pure parser.
public enum EtcdProbe {
  /// One round trip: `key=value` lines, then the member list in etcdctl's simple format
  /// (`EtcdScripts.probe`). The probe reads only fixed paths, so `layout` is not consulted yet.
  public static func command(_ layout: EtcdLayout) -> RemoteCommand {
    RemoteCommand(EtcdScripts.probe().argv)
  }

  /// The probe's output as facts. Member-list lines whose values fail their checks are kept as
  /// refusals, never as members.
  public static func parse(_ output: String) -> EtcdHostFacts {
    var facts = EtcdHostFacts(activeState: "unknown", runningVersion: nil, hasData: false, members: [])
    var inMembers = false
    for line in output.split(separator: "\n").map(String.init) {
      if inMembers {
        do throws(EtcdMemberError) {
          facts.members.append(try EtcdMember(listLine: line))
        } catch {
          facts.refusedMembers.append(EtcdMemberRefusal(error))
        }
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
