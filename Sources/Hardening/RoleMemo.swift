import Foundation
import Inventory
import Planning

/// Values worked out once per key and then shared: a kind whose output depends on a few properties
/// of the host (its roles, the ports it serves) computes it once per distinct key, however many
/// thousand hosts share it (strings are copied on write, so sharing costs nothing). Thread-safe;
/// two callers racing on a new key may both compute it, and either result is kept, which is fine
/// for the pure functions it memoises.
final class KeyedMemo<Key: Hashable, Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Key: Value] = [:]

  func value(for key: Key, _ make: () -> Value) -> Value {
    lock.lock()
    let known = values[key]
    lock.unlock()
    if let known { return known }
    let made = make()
    lock.lock()
    values[key] = made
    lock.unlock()
    return made
  }

  /// How many distinct keys were computed.
  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return values.count
  }
}

/// A kind's drafts for hosts of the same roles, worked out once: the hardening kinds' steps depend
/// on a host's roles (`Roles.covers`) and, for sshd, on its OpenSSH version (`variant`), so a fleet
/// of thousands plans a handful of distinct expansions and shares them.
final class RoleMemo: Sendable {
  private struct Key: Hashable {
    var roles: [Role]
    var variant: String
  }
  private let memo = KeyedMemo<Key, [StepDraft]>()

  func drafts(for host: ClusterHost, variant: String = "", _ make: () -> [StepDraft]) -> [StepDraft] {
    memo.value(for: Key(roles: host.roles.sorted(), variant: variant), make)
  }
}
