import Planning

/// What this process saw of a plan's steps moments before a run, for the executor (the rules are
/// `Executor`'s): the steps already in place, recorded satisfied without a check of their own, and
/// the steps needing change, with what was seen, applied without a check before. Made only from
/// observations this process made itself: a live plan's, or a saved plan's re-observation, never
/// the saved plan's own.
struct RunObservations: Sendable {
  /// An observation older than this when the run starts (the plan was reviewed on a terminal, say)
  /// is made again before it is used: one more batched probe per host.
  static let freshFor: Duration = .seconds(10)

  var ids: Set<String>
  var toChange: [String: String]
  var at: ContinuousClock.Instant

  /// From observations just made.
  init(_ observations: [String: (Observation, Action?)], at: ContinuousClock.Instant = ContinuousClock.now) {
    self.init(observations.lazy.map { ($0.key, $0.value.0) }, at: at)
  }

  /// From a plan this process just made and observed (`LivePlan.make`).
  init(livePlan: Plan, at: ContinuousClock.Instant = ContinuousClock.now) {
    self.init(livePlan.steps.lazy.compactMap { s in s.observed.map { (s.id, $0) } }, at: at)
  }

  private init(_ observed: some Sequence<(String, Observation)>, at: ContinuousClock.Instant) {
    ids = []
    toChange = [:]
    for (id, o) in observed {
      switch o.state {
      case .unchanged: ids.insert(id)
      case .change: toChange[id] = o.detail ?? "not as desired when planned"
      case .unknown: break
      }
    }
    self.at = at
  }

  /// The observations to use now: as made when still fresh, else a new observation's, kept only
  /// where it agrees with the first (what the operator reviewed).
  func current(for plan: Plan, fleet: Fleet, now: ContinuousClock.Instant = ContinuousClock.now) async -> Self {
    guard now - at > Self.freshFor else { return self }
    var again = Self(await PlanObserver.observe(plan, fleet: fleet), at: now)
    again.ids.formIntersection(ids)
    again.toChange = again.toChange.filter { toChange[$0.key] != nil }
    return again
  }
}
