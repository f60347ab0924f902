import Crypto
import Foundation
import Inventory
import Support

/// Bulwark's nftables table for one host: inbound dropped by default (a final drop rule rather
/// than a drop policy, so a table flushed by hand fails open instead of cutting every session, and
/// drift can still reach the host to report it); each role opens only its ports, and only to the
/// peers that need them; SSH only from the controller (or the site's bastion). Only the `input`
/// hook of Bulwark's own table: kube-proxy's and the CNI's chains are left alone. The port table
/// is in docs/hardening.md, "How each remedy works".
public enum Firewall {
  public static let path = "/etc/bulwark/firewall.nft"
  /// The sha256 of `nft list table inet bulwark` right after Bulwark loaded it: any later change to
  /// the loaded table (a flushed chain, a rule added by hand) no longer matches. The scripts that
  /// write and compare it are `HardeningScripts.firewallLoad` and `firewallUnchanged`.
  public static let loadedDigest = "/var/lib/bulwark/firewall.loaded"

  /// The rules, and the marker (`bulwark <hash>`) the loaded table carries as its comment.
  public static func render(for host: ClusterHost, in inv: Inventory, sshFrom: [String]) -> (content: String, marker: String) {
    let etcd = inv.etcdMembers.filter { $0.name != host.name }.map(\.address.description)
    let controlPlanes = inv.hosts(with: .controlPlane).map(\.address.description)
    let everyone = inv.hosts.filter { $0.name != host.name }.map(\.address.description)
    // Without a known controller address (a DNS-named host), SSH stays open rather than lock Bulwark out.
    var rules: [String] = [sshFrom.isEmpty ? "  tcp dport 22 accept comment \"ssh (the controller's address is unknown)\"" : rule("tcp dport 22", from: sshFrom, "ssh from the controller")]
    if inv.etcdMembers.contains(where: { $0.name == host.name }) {
      rules.append(rule("tcp dport 2379", from: controlPlanes + etcd + sshFrom, "etcd clients: control planes, members, the controller"))
      rules.append(rule("tcp dport 2380", from: etcd, "etcd peers"))
    }
    if host.has(.controlPlane) {
      rules.append(rule("tcp dport 6443", from: everyone + sshFrom, "kube-apiserver"))
    }
    if host.has(.controlPlane) || host.has(.worker) {
      rules.append(rule("tcp dport 10250", from: controlPlanes, "kubelet API"))
    }
    if host.has(.lb) || inv.endpoint.map({ $0.mode == .vip && host.has($0.carrierRole(in: inv)) }) == true {
      rules.append(rule("tcp dport \(inv.endpoint?.port ?? 6443)", from: everyone + sshFrom, "API endpoint"))
      rules.append("  ip protocol 112 accept comment \"keepalived VRRP\"")
    }
    let body = """
        chain input {
          type filter hook input priority filter; policy accept;
          iif "lo" accept
          ct state established,related accept
          ip protocol icmp icmp type { echo-request, destination-unreachable, time-exceeded } accept
          meta l4proto icmpv6 accept
      \(rules.compactMap { $0.isEmpty ? nil : "  " + $0 }.joined(separator: "\n"))
          counter drop comment "inbound is dropped unless a rule above lets it in"
        }
      """
    let marker = "bulwark " + hexString(SHA256.hash(data: Array(body.utf8)).prefix(8))
    let content = """
      # Managed by Bulwark: the host firewall of \(host.name). Loaded with `nft -f`, atomically.
      table inet bulwark
      delete table inet bulwark
      table inet bulwark {
        comment "\(marker)"
      \(body)
      }

      """
    return (content, marker)
  }

  static func rule(_ match: String, from addresses: [String], _ comment: String) -> String {
    var unique: [String] = []
    for a in addresses where !unique.contains(a) { unique.append(a) }
    let v4 = unique.filter { !$0.contains(":") }, v6 = unique.filter { $0.contains(":") }
    var lines: [String] = []
    if !v4.isEmpty { lines.append("  \(match) ip saddr { \(v4.joined(separator: ", ")) } accept comment \"\(comment)\"") }
    if !v6.isEmpty { lines.append("  \(match) ip6 saddr { \(v6.joined(separator: ", ")) } accept comment \"\(comment)\"") }
    return lines.joined(separator: "\n  ")
  }
}
