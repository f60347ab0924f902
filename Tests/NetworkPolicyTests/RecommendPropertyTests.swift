import NetworkPolicy
import Testing

/// SplitMix64: a small seeded generator, so every case can be replayed from its seed.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Random workloads (distinct label sets per namespace, some nested, so selectors need DoesNotExist) and
/// random intents between them and disjoint external ranges.
struct IntentGenerator {
  var rng: SeededRandom
  static let externals = ["10.0.0.0-10.255.255.255", "192.168.0.0-192.168.255.255", "172.16.0.5-172.16.0.77",
                          "8.8.8.8-8.8.8.8"]
  static let pool: [(String, [String])] = [("tier", ["web", "db"]), ("canary", ["true"]), ("team", ["a", "b"])]

  mutating func workloads() -> [Workload] {
    var out: [Workload] = []
    let kinds = ["Deployment", "StatefulSet", "Pod", "DaemonSet", "Job"]
    for n in 0..<Int.random(in: 1...3, using: &rng) {
      var seen: Set<[String: String]> = []
      for w in 0..<Int.random(in: 1...5, using: &rng) {
        var labels: [String: String] = [:]
        for (key, values) in Self.pool where Bool.random(using: &rng) { labels[key] = values.randomElement(using: &rng) }
        guard seen.insert(labels).inserted else { continue }
        out.append(Workload(namespace: "ns\(n)", name: "w\(w)", kind: kinds.randomElement(using: &rng) ?? "Pod",
                            labels: labels))
      }
    }
    return out
  }

  mutating func connections() -> ConnectionSet {
    if Int.random(in: 0..<4, using: &rng) == 0 { return .all }
    var c = ConnectionSet.none
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      let proto = L4Protocol.allCases.randomElement(using: &rng) ?? .tcp
      let low = Int.random(in: 1...65000, using: &rng)
      let high = Bool.random(using: &rng) ? low : min(65535, low + Int.random(in: 1...500, using: &rng))
      c[proto] = Int.random(in: 0..<8, using: &rng) == 0 ? .all : c[proto].union(PortSet([low...high]))
    }
    return c
  }

  mutating func intent(_ workloads: [Workload]) -> [IntendedFlow] {
    let names = workloads.map(\.id)
    var flows: [IntendedFlow] = []
    for _ in 0..<Int.random(in: 0...10, using: &rng) {
      let src = names.randomElement(using: &rng) ?? "", dst = names.randomElement(using: &rng) ?? ""
      if src != dst { flows.append(IntendedFlow(source: src, destination: dst, connections: connections())) }
    }
    for _ in 0..<Int.random(in: 0...2, using: &rng) {
      let ext = (Self.externals.randomElement(using: &rng) ?? "") + "[External]"
      let w = names.randomElement(using: &rng) ?? ""
      flows.append(Bool.random(using: &rng) ? IntendedFlow(source: w, destination: ext, connections: connections())
                                            : IntendedFlow(source: ext, destination: w, connections: connections()))
    }
    return flows
  }
}

@Suite struct RecommendPropertyTests {
  /// The recommended YAML, read back by the loader and analysed, gives exactly the intended connections.
  @Test(arguments: 0..<300)
  func recommendationGivesExactlyTheIntent(_ seed: Int) {
    var gen = IntentGenerator(rng: SeededRandom(seed: UInt64(seed)))
    let workloads = gen.workloads()
    let intent = gen.intent(workloads)
    let manifests = Manifests(workloads: workloads)
    let recommendation = Recommender.recommend(manifests, intent: intent)
    #expect(recommendation.diagnostics.isEmpty, "seed \(seed): \(recommendation.diagnostics.map(\.rendered))")
    let reread = ManifestLoader().load([("recommended.yaml", Array(recommendation.yaml.utf8))])
    #expect(reread.diagnostics.isEmpty, "seed \(seed): \(reread.diagnostics.map(\.rendered))")
    #expect(reread.manifests.policies.count == recommendation.policies.count)
    let problems = Recommender.verify(manifests, policies: reread.manifests.policies, intent: intent)
    #expect(problems.isEmpty, "seed \(seed): \(problems)")
  }

  @Test func intentFileRoundTripsThroughListFormat() {
    var gen = IntentGenerator(rng: SeededRandom(seed: 42))
    let workloads = gen.workloads()
    let intent = gen.intent(workloads)
    let text = intent.map { "\($0.source) => \($0.destination) : \($0.connections)\n" }.joined()
    let parsed = IntentParser.parse("# intent\n\n" + text, file: "intent.txt")
    #expect(parsed.diagnostics.isEmpty)
    #expect(parsed.flows.map(\.connections) == intent.map(\.connections))
  }

  @Test func recommendedYAMLMatchesGolden() {
    let workloads = [Workload(namespace: "shop", name: "web", kind: "Deployment", labels: ["app": "web"]),
                     Workload(namespace: "shop", name: "web-canary", kind: "Deployment", labels: ["app": "web", "track": "canary"]),
                     Workload(namespace: "shop", name: "db", kind: "StatefulSet", labels: ["app": "db"])]
    let intent = IntentParser.parse("""
      shop/web[Deployment] => shop/db[StatefulSet] : TCP 5432
      0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : TCP 443
      """, file: "intent.txt").flows
    let r = Recommender.recommend(Manifests(workloads: workloads), intent: intent)
    expectGolden(r.yaml, "recommend/shop.yaml")
    #expect(Recommender.verify(Manifests(workloads: workloads), policies: r.policies, intent: intent).isEmpty)
  }
}
