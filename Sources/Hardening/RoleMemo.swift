import Foundation
import Inventory
import Planning

/// A kind's drafts for hosts of the same roles, worked out once: the hardening kinds' steps depend
/// on a host's roles (`Roles.covers`) and, for sshd, on its OpenSSH version (`variant`), so a fleet
/// of thousands plans a handful of distinct expansions and shares them (their strings are copied on
/// write, so sharing costs nothing).
final class RoleMemo: @unchecked Sendable {
  private struct Key: Hashable {
    var roles: [Role]
    var variant: String
  }
  private let lock = NSLock()
  private var drafts: [Key: [StepDraft]] = [:]

  func drafts(for host: ClusterHost, variant: String = "", _ make: () -> [StepDraft]) -> [StepDraft] {
    let key = Key(roles: host.roles.sorted(), variant: variant)
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
