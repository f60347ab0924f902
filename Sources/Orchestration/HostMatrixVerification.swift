import Foundation
import Hardening
import Inventory
import Remote
import Support

/// `netpol hosts --verify`: sends the packets `HostMatrixProbes.plan` lists for real, between the
/// network namespaces of a `bulwark lab` (`bwl-HOST`, where each host's nftables table is loaded),
/// and returns every probe with its verdict. The programs (`HostMatrixScripts`) run with this
/// machine's python3 inside the namespaces (`ip netns exec`), through `local` (a `LocalHost`):
/// every destination's listener at once, then every source's prober, which waits for the
/// listeners' ready files. Before anything is sent, every host must have its namespace and its
/// inventory address on it, so no packet can go anywhere but the lab. The listeners stop on their
/// own after `listenSeconds`; the whole run takes about that long.
public enum HostMatrixVerification {
  public static let connectTimeout = 1.5
  public static let listenSeconds = 6

  public static func run(_ inv: Inventory, flows: [HostFlow], local: any RemoteHost) async throws(OperationError) -> [PortProbeResult] {
    let probes = HostMatrixProbes.plan(flows, inv)
    guard getuid() == 0 else { throw OperationError(.invalidInput, .labOnly, "--verify needs root (ip netns exec)") }
    let missing = inv.hosts.filter { !FileManager.default.fileExists(atPath: "/run/netns/" + namespace($0.name)) }
    guard missing.isEmpty else {
      throw OperationError(.invalidInput, .labOnly,
        "--verify runs on a bulwark lab only: no network namespace for \(missing.map { "\($0.name) (/run/netns/\(namespace($0.name)))" }.joined(separator: ", "))")
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    } catch {
      throw OperationError(.failed, .probeFailed, "cannot make \(dir): \(error)")
    }
    defer { try? FileManager.default.removeItem(atPath: dir) }
    do {
      try await checkAddresses(inv, local: local)
      return try await probe(probes, readyDir: dir, local: local)
    } catch let e as OperationError {
      throw e
    } catch {
      throw OperationError(.failed, .probeFailed, "probing the host matrix: \(error)")
    }
  }

  /// Every host's inventory address must be on its namespace: `ip -n NS -o addr show`.
  static func checkAddresses(_ inv: Inventory, local: any RemoteHost) async throws {
    var wrong: [String] = []
    for host in inv.hosts {
      let text = try await output(local, ["ip", "-n", namespace(host.name), "-o", "addr", "show"], timeout: 10)
      let addresses = text.split(separator: "\n").compactMap { line -> String? in
        let f = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let i = f.firstIndex(where: { $0 == "inet" || $0 == "inet6" }), i + 1 < f.count else { return nil }
        return f[i + 1].split(separator: "/").first.map(String.init)
      }
      if !addresses.contains(host.address.description) { wrong.append("\(host.name) (\(host.address) is not on \(namespace(host.name)))") }
    }
    guard wrong.isEmpty else {
      throw OperationError(.invalidInput, .labOnly, "--verify runs on a bulwark lab only: \(wrong.joined(separator: ", "))")
    }
  }

  static func probe(_ probes: [PortProbe], readyDir: String, local: any RemoteHost) async throws -> [PortProbeResult] {
    let destinations = Set(probes.map(\.destination)).sorted()
    let ready = destinations.map { readyDir + "/" + $0 + ".ready" }.joined(separator: ",")
    return try await withThrowingTaskGroup(of: (String, Bool, String).self) { group in
      for dst in destinations {
        let argv = ["ip", "netns", "exec", namespace(dst), "python3", "-c", HostMatrixScripts.listener(), String(listenSeconds)]
          + HostMatrixProbes.listenerPorts(probes, destination: dst) + [readyDir + "/" + dst + ".ready"]
        group.addTask { (dst, false, try await output(local, argv, timeout: listenSeconds + 10)) }
      }
      for src in Set(probes.map(\.source)).sorted() {
        let specs = probes.filter { $0.source == src }.map(\.spec)
        let argv = ["ip", "netns", "exec", namespace(src), "python3", "-c", HostMatrixScripts.prober(), String(connectTimeout), ready] + specs
        group.addTask { (src, true, try await output(local, argv, timeout: listenSeconds + 10)) }
      }
      var prober: [String: String] = [:], listener: [String: String] = [:]
      for try await (host, isProber, text) in group {
        if isProber { prober[host] = text } else { listener[host] = text }
      }
      return HostMatrixProbes.judge(probes, prober: prober, listener: listener)
    }
  }

  static func namespace(_ host: String) -> String { "bwl-" + host }

  static func output(_ local: any RemoteHost, _ argv: [String], timeout: Int) async throws -> String {
    let r = try await local.run(RemoteCommand(argv, privileged: false, timeoutSeconds: timeout))
    guard r.exitStatus == 0 else {
      throw OperationError(.failed, .probeFailed,
        "\(argv.prefix(4).joined(separator: " ")) exited \(r.exitStatus): \(String(decoding: r.stderr.suffix(400), as: UTF8.self))")
    }
    return String(decoding: r.stdout, as: UTF8.self)
  }
}
