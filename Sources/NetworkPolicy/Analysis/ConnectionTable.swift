/// Interns connection sets as small integers and memoises their unions and intersections, so the
/// pair matrix stores 4-byte ids and combining two cells is (after warm-up) one dictionary lookup.
/// Id 0 is "no connections", id 1 is "all connections". Not thread-safe: one analysis, one table.
final class ConnectionTable {
  typealias ID = Int32
  static let none: ID = 0
  static let all: ID = 1

  private(set) var sets: [ConnectionSet] = [.none, .all]
  private var ids: [ConnectionSet: ID] = [.none: 0, .all: 1]
  private var unions: [UInt64: ID] = [:]
  private var intersections: [UInt64: ID] = [:]

  func id(_ set: ConnectionSet) -> ID {
    if let id = ids[set] { return id }
    let id = ID(sets.count)
    sets.append(set)
    ids[set] = id
    return id
  }

  subscript(_ id: ID) -> ConnectionSet { sets[Int(id)] }

  func union(_ a: ID, _ b: ID) -> ID {
    if a == b || b == Self.none || a == Self.all { return a }
    if a == Self.none || b == Self.all { return b }
    let key = Self.key(a, b)
    if let id = unions[key] { return id }
    let id = id(sets[Int(a)].union(sets[Int(b)]))
    unions[key] = id
    return id
  }

  func intersection(_ a: ID, _ b: ID) -> ID {
    if a == b || b == Self.all || a == Self.none { return a }
    if a == Self.all || b == Self.none { return b }
    let key = Self.key(a, b)
    if let id = intersections[key] { return id }
    let id = id(sets[Int(a)].intersection(sets[Int(b)]))
    intersections[key] = id
    return id
  }

  /// Both operations are commutative, so the key orders the pair.
  private static func key(_ a: ID, _ b: ID) -> UInt64 {
    let (x, y) = a < b ? (a, b) : (b, a)
    return UInt64(UInt32(x)) << 32 | UInt64(UInt32(y))
  }
}
