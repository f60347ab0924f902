/// The allowed connections between every pair of endpoints, by the Kubernetes NetworkPolicy rules:
/// a pod is isolated for a direction only if some policy selecting it covers that direction; an
/// isolated pod allows what the union of those policies' rules allows; a connection between two pods
/// needs the source's egress AND the destination's ingress. External ranges are never isolated.
///
/// The work is done once, over classes of identical pods, as two matrices of interned connection-set
/// ids; looking up a pair afterwards is an array read.
public final class ConnectivityAnalysis {
  public let manifests: Manifests
  /// Unique by id, sorted by id.
  public let workloads: [Workload]
  public let externals: [IPRange]
  /// Every namespace a Namespace object or a workload names, with its labels.
  public let namespaceLabels: [String: [String: String]]

  let classes: [PodClass]
  let classOfWorkload: [Int]
  let compiled: CompiledPolicies
  let table = ConnectionTable()
  private var namedPortCache: [Int: ConnectionTable.ID] = [:]
  private let namedPortGroup: [Int]  // per class: index of its distinct named-port list
  /// result[source * nodeCount + destination]: allowed connections between analysis nodes.
  private var result: [ConnectionTable.ID] = []

  var nodeCount: Int { classes.count + externals.count }

  /// `extraBoundaries` splits the external ranges further (diff uses the other side's blocks, so both
  /// sides show the same ranges).
  public init(_ manifests: Manifests, extraBoundaries: [IPRange] = []) {
    self.manifests = manifests
    var seen: Set<String> = []
    workloads = manifests.workloads.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
    externals = ExternalRanges.split(manifests.policies, extra: extraBoundaries)
    var labels: [String: [String: String]] = [:]
    for ns in manifests.namespaces where labels[ns.name] == nil { labels[ns.name] = ns.labels }
    for w in workloads where labels[w.namespace] == nil { labels[w.namespace] = Namespace(name: w.namespace).labels }
    namespaceLabels = labels

    var classIndex: [PodClass: Int] = [:]
    var classList: [PodClass] = []
    var classOf: [Int] = []
    for w in workloads {
      let key = PodClass(namespace: w.namespace, labels: w.labels, namedPorts: w.namedPorts)
      if let i = classIndex[key] {
        classOf.append(i)
      } else {
        classIndex[key] = classList.count
        classOf.append(classList.count)
        classList.append(key)
      }
    }
    classes = classList
    classOfWorkload = classOf
    var groups: [[NamedPort]: Int] = [:]
    namedPortGroup = classList.map { c in
      if let g = groups[c.namedPorts] { return g }
      groups[c.namedPorts] = groups.count
      return groups.count - 1
    }
    compiled = CompiledPolicies(policies: manifests.policies, classes: classList, externals: externals,
                                namespaceLabels: labels, table: table)
    computeMatrix()
  }

  // MARK: Endpoints

  public var endpoints: [Endpoint] {
    (workloads.map { Endpoint(.workload($0)) } + externals.map { Endpoint(.external($0)) }).sorted()
  }

  func node(of endpoint: Endpoint) -> Int? {
    switch endpoint.kind {
    case .workload(let w):
      guard let i = workloadIndex(w.id) else { return nil }
      return classOfWorkload[i]
    case .external(let r):
      return externals.firstIndex { $0.contains(r) }.map { classes.count + $0 }
    }
  }

  func workloadIndex(_ id: String) -> Int? {
    var low = 0, high = workloads.count
    while low < high {
      let mid = (low + high) / 2
      if workloads[mid].id < id { low = mid + 1 } else { high = mid }
    }
    return low < workloads.count && workloads[low].id == id ? low : nil
  }

  // MARK: Results

  /// What `source` may open to `destination`. Empty for an endpoint this analysis does not know.
  public func connections(from source: Endpoint, to destination: Endpoint) -> ConnectionSet {
    guard let s = node(of: source), let d = node(of: destination) else { return .none }
    if s >= classes.count && d >= classes.count { return .none }
    return table[result[s * nodeCount + d]]
  }

  /// Every allowed connection, sorted by source then destination; self-connections, pairs of external
  /// ranges, and pairs with nothing allowed are left out.
  public func connections() -> [Connection] {
    let ordered = endpoints
    let nodes = ordered.map { node(of: $0) ?? -1 }
    let external = ordered.map(\.isExternal)
    var out: [Connection] = []
    for (i, source) in ordered.enumerated() {
      let row = nodes[i] * nodeCount
      for (j, destination) in ordered.enumerated() where i != j && !(external[i] && external[j]) {
        let id = result[row + nodes[j]]
        if id != ConnectionTable.none {
          out.append(Connection(source: source, destination: destination, connections: table[id]))
        }
      }
    }
    return out
  }

  // MARK: The matrix

  /// The ports a rule opens to one destination node (named ports resolve on that destination).
  func ports(_ ruleIndex: Int, on node: Int) -> ConnectionTable.ID {
    let rule = compiled.rules[ruleIndex]
    if let fixed = rule.fixedPorts { return fixed }
    let group = node < classes.count ? namedPortGroup[node] : -1
    let key = ruleIndex &* 65_537 &+ group
    if let id = namedPortCache[key] { return id }
    let policy = manifests.policies[rule.policy]
    let specs = (rule.direction == .ingress ? policy.ingress : policy.egress)[rule.index].ports
    let id = table.id(PortResolution.connections(specs, namedPorts: node < classes.count ? classes[node].namedPorts : []))
    namedPortCache[key] = id
    return id
  }

  private func computeMatrix() {
    let n = nodeCount, c = classes.count
    // ingress[destination * n + source]
    var ingress = [ConnectionTable.ID](repeating: ConnectionTable.all, count: n * n)
    for d in 0..<c where !compiled.ingressPolicies[d].isEmpty {
      let base = d * n
      for s in 0..<n { ingress[base + s] = ConnectionTable.none }
      for r in compiled.ingressRules[d] {
        let allowed = ports(r, on: d)
        if allowed == ConnectionTable.none { continue }
        for s in compiled.rules[r].peers {
          ingress[base + Int(s)] = table.union(ingress[base + Int(s)], allowed)
        }
      }
    }
    // result[source * n + destination] = egress ∩ ingress
    var out = [ConnectionTable.ID](repeating: ConnectionTable.all, count: n * n)
    for s in 0..<c where !compiled.egressPolicies[s].isEmpty {
      let base = s * n
      for d in 0..<n { out[base + d] = ConnectionTable.none }
      for r in compiled.egressRules[s] {
        for d in compiled.rules[r].peers {
          let allowed = ports(r, on: Int(d))
          out[base + Int(d)] = table.union(out[base + Int(d)], allowed)
        }
      }
    }
    for s in 0..<n {
      let base = s * n
      for d in 0..<n {
        out[base + d] = table.intersection(out[base + d], ingress[d * n + s])
      }
    }
    result = out
  }
}
