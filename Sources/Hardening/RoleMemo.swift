import Foundation
import Inventory
import Planning

/// A kind's drafts for hosts of the same roles, worked out once: the hardening kinds' steps depend
/// on a host's roles only (`Roles.covers`), so a fleet of thousands plans a handful of distinct
/// expansions and shares them (their strings are copied on write, so sharing costs nothing).
final class RoleMemo: @unchecked Sendable {
  private let lock = NSLock()
  private var drafts: [[Role]: [StepDraft]] = [:]

  func drafts(for host: ClusterHost, _ make: () -> [StepDraft]) -> [StepDraft] {
    let key = host.roles.sorted()
    lock.lock()
    if let known = drafts[key] {
      lock.unlock()
      return known
    }
    lock.unlock()
    let made = make()
    lock.lock()
    drafts[key] = made
    lock.unlock()
    return made
  }
}
