import Inventory

/// One real packet `netpol hosts --verify` sends: from `source`'s namespace to `destination`'s
/// address, and what the matrix says should happen to it.
public struct PortProbe: Sendable, Hashable {
  public enum Proto: String, Sendable, Hashable, CaseIterable {
    case tcp, udp
    /// A bare IP protocol (VRRP 112, IP-in-IP 4); `port` is its number.
    case ip
    /// As the list format names it: `TCP 22`, `UDP 4789`, `IPPROTO 112`.
    public var listName: String { self == .ip ? "IPPROTO" : rawValue.uppercased() }
  }
  public var source: String
  public var destination: String
  public var address: String
  public var proto: Proto
  public var port: Int
  /// True when the matrix admits it, false when it denies it.
  public var admitted: Bool

  public init(source: String, destination: String, address: String, proto: Proto, port: Int, admitted: Bool) {
    self.source = source
    self.destination = destination
    self.address = address
    self.proto = proto
    self.port = port
    self.admitted = admitted
  }

  /// `tcp/10.123.0.12/2380`, the prober's argument.
  public var spec: String { "\(proto.rawValue)/\(address)/\(port)" }
  /// `a[Host] => b[Host] : TCP 2380`: the pair and the port, in the list format.
  public var name: String { "\(HostFlow.Peer.host(source)) => \(HostFlow.Peer.host(destination)) : \(proto.listName) \(port)" }
}

/// A probe's answer next to the matrix's.
public struct PortProbeResult: Sendable, Hashable {
  public var probe: PortProbe
  /// `open`, `refused`, `dropped` (TCP); `delivered`, `not delivered` (UDP and IP protocols, as the
  /// destination's listener saw it); `unobservable` (a UDP port something on the lab host already
  /// holds); `error-…`, or that the prober gave no answer.
  public var observed: String

  public init(probe: PortProbe, observed: String) {
    self.probe = probe
    self.observed = observed
  }

  public var agrees: Bool {
    switch observed {
    case "open", "delivered": return probe.admitted
    case "dropped", "not delivered": return !probe.admitted
    case "unobservable": return true
    default: return false
    }
  }
  public var expected: String {
    switch probe.proto {
    case .tcp: return probe.admitted ? "open" : "dropped"
    case .udp, .ip: return probe.admitted ? "delivered" : "not delivered"
    }
  }
  public var line: String { "\(probe.name): expected \(expected), observed \(observed)" }
}

/// Which packets to send, and the verdict from the programs' output (`HostMatrixScripts`). Pure.
/// Every ordered pair of hosts with IPv4 addresses is probed on every port the matrix names
/// anywhere (a range by its two ends) and on a TCP and a UDP port nothing opens: admitted where
/// the pair's line has it, denied (must be dropped) where it does not.
public enum HostMatrixProbes {
  /// A TCP and a UDP port no role or profile opens, probed on every pair to see the final drop.
  public static let closedTCPPort = 40999, closedUDPPort = 40998

  /// The ports every pair is probed on: each protocol's points, sorted.
  public static func universe(_ flows: [HostFlow]) -> [(PortProbe.Proto, Int)] {
    var tcp: Set<Int> = [closedTCPPort], udp: Set<Int> = [closedUDPPort], ip: Set<Int> = []
    for f in flows {
      for r in f.ports.tcp { tcp.formUnion([r.lowerBound, r.upperBound]) }
      for r in f.ports.udp { udp.formUnion([r.lowerBound, r.upperBound]) }
      ip.formUnion(f.ports.ipProtocols)
    }
    return tcp.sorted().map { (.tcp, $0) } + udp.sorted().map { (.udp, $0) } + ip.sorted().map { (.ip, $0) }
  }

  public static func plan(_ flows: [HostFlow], _ inv: Inventory) -> [PortProbe] {
    var address: [String: String] = [:]
    for h in inv.hosts { if case .ip(let ip) = h.address, ip.isIPv4 { address[h.name] = ip.description } }
    let points = universe(flows)
    var out: [PortProbe] = []
    for src in inv.hosts where address[src.name] != nil {
      for dst in inv.hosts where dst.name != src.name {
        guard let a = address[dst.name] else { continue }
        let ports = flows.first { $0.source == .host(src.name) && $0.destination == dst.name }?.ports ?? HostPorts()
        for (proto, port) in points {
          out.append(PortProbe(source: src.name, destination: dst.name, address: a, proto: proto, port: port,
            admitted: ports.admits(proto, port)))
        }
      }
    }
    return out
  }

  /// What a destination's listener binds, each comma-separated: TCP ports, UDP ports, IP protocols.
  public static func listenerPorts(_ probes: [PortProbe], destination: String) -> [String] {
    let mine = probes.filter { $0.destination == destination }
    return [PortProbe.Proto.tcp, .udp, .ip].map { proto in
      Set(mine.filter { $0.proto == proto }.map(\.port)).sorted().map(String.init).joined(separator: ",")
    }
  }

  /// The verdict per probe from each source's prober output and each destination's listener output.
  /// A TCP probe's verdict is the prober's; a UDP or IP one is the listener's (did it arrive, from
  /// the source's address), unless the prober could not send it.
  public static func judge(_ probes: [PortProbe], prober: [String: String], listener: [String: String]) -> [PortProbeResult] {
    var answers: [String: String] = [:]
    for (src, text) in prober {
      for line in text.split(separator: "\n") {
        let f = line.split(separator: " ").map(String.init)
        if f.count == 4 { answers["\(src) \(f[0])/\(f[1])/\(f[2])"] = f[3] }
      }
    }
    var received = Set<String>(), busy = Set<String>()
    for (dst, text) in listener {
      for line in text.split(separator: "\n") {
        let f = line.split(separator: " ").map(String.init)
        if f.count == 4, f[0] == "got" { received.insert("\(dst) \(f[1]) \(f[2]) \(f[3])") }
        if f.count == 3, f[0] == "busy" { busy.insert("\(dst) \(f[1]) \(f[2])") }
      }
    }
    let addressOf = Dictionary(probes.map { ($0.destination, $0.address) }, uniquingKeysWith: { a, _ in a })
    return probes.map { p in
      let answer = answers["\(p.source) \(p.spec)"] ?? "no answer from the prober"
      guard p.proto != .tcp, answer == "sent" else { return PortProbeResult(probe: p, observed: answer) }
      if busy.contains("\(p.destination) \(p.proto.rawValue) \(p.port)") { return PortProbeResult(probe: p, observed: "unobservable") }
      let from = addressOf[p.source] ?? p.source
      let got = received.contains("\(p.destination) \(p.proto.rawValue) \(p.port) \(from)")
      return PortProbeResult(probe: p, observed: got ? "delivered" : "not delivered")
    }
  }
}
