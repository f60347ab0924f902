/// A directed acyclic graph of string-identified nodes, kept in insertion order so that every
/// traversal is deterministic (plans must print and diff the same way every time).
public struct DirectedGraph: Sendable {
  public private(set) var nodes: [String] = []
  private var index: [String: Int] = [:]
  /// `dependencies[i]`: the nodes that node i waits for.
  public private(set) var dependencies: [[Int]] = []
  private var edges = Set<UInt64>()

  public init() {}

  public var count: Int { nodes.count }
  public func contains(_ node: String) -> Bool { index[node] != nil }
  public func position(of node: String) -> Int? { index[node] }

  @discardableResult
  public mutating func add(_ node: String) -> Int {
    if let i = index[node] { return i }
    index[node] = nodes.count
    nodes.append(node)
    dependencies.append([])
    return nodes.count - 1
  }

  /// `node` waits for `dependency`. Both are added if missing; a repeated edge is ignored.
  public mutating func add(_ node: String, dependsOn dependency: String) {
    let n = add(node), d = add(dependency)
    if edges.insert(UInt64(n) << 32 | UInt64(d)).inserted { dependencies[n].append(d) }
  }

  public func dependencies(of node: String) -> [String] {
    guard let i = index[node] else { return [] }
    return dependencies[i].map { nodes[$0] }
  }

  /// Kahn's algorithm, stable: among ready nodes the earliest inserted goes first.
  /// Returns the nodes on a cycle when there is one.
  public func topologicalOrder() -> Result<[String], CycleError> {
    var remaining = dependencies.map(\.count)
    var dependents = [[Int]](repeating: [], count: nodes.count)
    for (n, deps) in dependencies.enumerated() { for d in deps { dependents[d].append(n) } }
    var ready = MinHeap()
    for i in remaining.indices where remaining[i] == 0 { ready.push(i) }
    var order: [String] = []
    order.reserveCapacity(nodes.count)
    while let i = ready.pop() {
      order.append(nodes[i])
      for n in dependents[i] {
        remaining[n] -= 1
        if remaining[n] == 0 { ready.push(n) }
      }
    }
    if order.count == nodes.count { return .success(order) }
    return .failure(CycleError(cycle: findCycle(among: remaining.indices.filter { remaining[$0] > 0 })))
  }

  /// Every node that transitively depends on `node`.
  public func descendants(of node: String) -> Set<String> {
    guard let start = index[node] else { return [] }
    var dependents = [[Int]](repeating: [], count: nodes.count)
    for (n, deps) in dependencies.enumerated() { for d in deps { dependents[d].append(n) } }
    var seen = Set<Int>(), stack = [start]
    while let i = stack.popLast() {
      for n in dependents[i] where seen.insert(n).inserted { stack.append(n) }
    }
    return Set(seen.map { nodes[$0] })
  }

  private func findCycle(among candidates: [Int]) -> [String] {
    let inSet = Set(candidates)
    guard let start = candidates.first else { return [] }
    // Every remaining node has a remaining dependency; walk them until one repeats.
    var path: [Int] = [], seenAt: [Int: Int] = [:], current = start
    while seenAt[current] == nil {
      seenAt[current] = path.count
      path.append(current)
      current = dependencies[current].first { inSet.contains($0) } ?? start
    }
    return path[seenAt[current]!...].map { nodes[$0] }
  }

  public struct CycleError: Error, Equatable, Sendable, CustomStringConvertible {
    public var cycle: [String]
    public var description: String { "dependency cycle: " + (cycle + cycle.prefix(1)).joined(separator: " -> ") }
  }
}

/// A binary min-heap of Ints, for the stable topological sort.
struct MinHeap {
  private var items: [Int] = []
  mutating func push(_ v: Int) {
    items.append(v)
    var i = items.count - 1
    while i > 0 {
      let p = (i - 1) / 2
      if items[p] <= items[i] { break }
      items.swapAt(p, i)
      i = p
    }
  }
  mutating func pop() -> Int? {
    guard !items.isEmpty else { return nil }
    let top = items[0]
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1, r = l + 1
        var m = i
        if l < items.count, items[l] < items[m] { m = l }
        if r < items.count, items[r] < items[m] { m = r }
        if m == i { break }
        items.swapAt(m, i)
        i = m
      }
    }
    return top
  }
}
