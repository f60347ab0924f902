import Foundation
import Support

/// One entry of the cluster's member list, as a member reported it. The values come from a host, so
/// the only way to make one checks them: the id is hexadecimal, the name is empty (a member not
/// started yet) or a DNS-1123 name, the peer URL is http(s) with URL characters only. A value that
/// fails is refused with an `EtcdMemberError`, so it never reaches a script (where it would be
/// quoted all the same).
public struct EtcdMember: Sendable, Equatable {
  public let id: String
  public let name: String
  public let peerURL: String
  public let started: Bool

  public init(id: String, name: String, peerURL: String, started: Bool) throws(EtcdMemberError) {
    guard HostValue.isHexID(id) else { throw EtcdMemberError(.invalidID, "an etcd member has an id that is not hexadecimal") }
    guard Self.isPeerURL(peerURL) else {
      throw EtcdMemberError(.invalidPeerURL, "etcd member \(id) has a peer URL that is not an http(s) URL")
    }
    // The peer URL passed its check, so it may name the member (and so its host) on a terminal.
    guard name.isEmpty || HostValue.isName(name) else {
      throw EtcdMemberError(.invalidName, "etcd member \(id) at \(peerURL) has a name that is not a DNS-1123 name")
    }
    self.id = id
    self.name = name
    self.peerURL = peerURL
    self.started = started
  }

  /// One line of `etcdctl member list -w simple`: `ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS
  /// LEARNER`, fields joined by ", ". Exactly six fields: a name holding ", " would otherwise shift
  /// a forged peer URL into place.
  public init(listLine line: String) throws(EtcdMemberError) {
    let f = line.trimmingCharacters(in: .whitespaces).components(separatedBy: ", ")
    guard f.count == 6, f[1] == "started" || f[1] == "unstarted", f[5] == "true" || f[5] == "false" else {
      let who = HostValue.isHexID(f[0]) ? "etcd member \(f[0])" : "an etcd member"
      throw EtcdMemberError(.unreadable,
        "the member list line of \(who) does not read as ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER")
    }
    try self.init(id: f[0], name: f[2], peerURL: f[3], started: f[1] == "started")
  }

  /// `http://` or `https://`, then a host (name, IPv4, or IPv6 in brackets) and port: letters,
  /// digits and `.:[]-` only.
  static func isPeerURL(_ s: String) -> Bool {
    let rest: Substring
    if s.hasPrefix("https://") { rest = s.dropFirst(8) } else if s.hasPrefix("http://") { rest = s.dropFirst(7) } else { return false }
    let ok = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:[]-")
    return !rest.isEmpty && rest.count <= 300 && rest.allSatisfy { ok.contains($0) }
  }
}

/// Why a member-list entry read from a host was refused.
public enum EtcdMemberFailure {}

/// A member-list entry that Bulwark will not use. The message never repeats the refused value, only
/// an id that passed its check, because it is shown on terminals and put into the plan.
public typealias EtcdMemberError = CodedError<EtcdMemberFailure>

extension ErrorCode where Domain == EtcdMemberFailure {
  public static let unreadable = Self("etcd-member-unreadable")
  public static let invalidID = Self("etcd-member-id-invalid")
  public static let invalidName = Self("etcd-member-name-invalid")
  public static let invalidPeerURL = Self("etcd-member-peer-url-invalid")
}

/// A refused member-list entry as the facts keep it, so the plan can refuse membership changes and
/// say why (`EtcdRemoveKind`).
public struct EtcdMemberRefusal: Sendable, Equatable {
  public let code: ErrorCode<EtcdMemberFailure>
  public let message: String

  public init(_ error: EtcdMemberError) {
    code = error.code
    message = error.message
  }
}
