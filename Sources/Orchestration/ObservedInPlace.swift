import Planning

/// The steps a run may record satisfied without a check of their own (the rule is `Executor`'s):
/// those this process observed already in place, with the moment it looked. Made only from
/// observations this process made itself: a live plan's, or a saved plan's re-observation, never
/// the saved plan's own.
struct ObservedInPlace: Sendable {
  /// An observation older than this when the run starts (the plan was reviewed on a terminal, say)
  /// is made again before it is trusted: one more batched probe per host.
  static let freshFor: Duration = .seconds(10)

  var ids: Set<String>
  var at: ContinuousClock.Instant

  /// From observations just made.
  init(_ observations: [String: (Observation, Action?)], at: ContinuousClock.Instant = ContinuousClock.now) {
    ids = Set(observations.compactMap { $0.value.0.state == .unchanged ? $0.key : nil })
    self.at = at
  }

  /// From a plan this process just made and observed (`LivePlan.make`).
  init(livePlan: Plan, at: ContinuousClock.Instant = ContinuousClock.now) {
    ids = Set(livePlan.steps.compactMap { $0.observed?.state == .unchanged ? $0.id : nil })
    self.at = at
  }

  /// The ids to trust now: as observed when still fresh, else those a new observation still finds
  /// in place.
  func current(for plan: Plan, fleet: Fleet, now: ContinuousClock.Instant = ContinuousClock.now) async -> Set<String> {
    guard now - at > Self.freshFor else { return ids }
    return ids.intersection(Self(await PlanObserver.observe(plan, fleet: fleet)).ids)
  }
}
