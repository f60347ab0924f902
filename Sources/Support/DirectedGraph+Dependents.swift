extension DirectedGraph {
  /// `dependents()[i]`: the nodes that wait for node i, in insertion order. The reverse of
  /// `dependencies`, for walkers that start a node once everything it waits for is done.
  public func dependents() -> [[Int]] {
    var out = [[Int]](repeating: [], count: count)
    for (n, deps) in dependencies.enumerated() { for d in deps { out[d].append(n) } }
    return out
  }
}
