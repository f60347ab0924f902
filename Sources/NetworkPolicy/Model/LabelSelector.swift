/// A Kubernetes label selector: every `matchLabels` pair AND every `matchExpressions` requirement.
/// An empty selector matches everything.
public struct LabelSelector: Hashable, Sendable {
  public enum Operator: String, Hashable, Sendable, CaseIterable {
    case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
  }

  public struct Requirement: Hashable, Sendable {
    public var key: String
    public var op: Operator
    public var values: [String]
    public init(key: String, op: Operator, values: [String] = []) {
      self.key = key
      self.op = op
      self.values = values
    }

    public func matches(_ labels: [String: String]) -> Bool {
      let value = labels[key]
      switch op {
      case .in: return value.map(values.contains) ?? false
      case .notIn: return value.map { !values.contains($0) } ?? true
      case .exists: return value != nil
      case .doesNotExist: return value == nil
      }
    }
  }

  /// Kept sorted by key, so equal selectors compare equal.
  public var matchLabels: [(key: String, value: String)]
  public var matchExpressions: [Requirement]

  public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
    self.matchLabels = matchLabels.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    self.matchExpressions = matchExpressions
  }

  public static let everything = LabelSelector()

  public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

  public func matches(_ labels: [String: String]) -> Bool {
    for pair in matchLabels where labels[pair.key] != pair.value { return false }
    for r in matchExpressions where !r.matches(labels) { return false }
    return true
  }

  public static func == (a: LabelSelector, b: LabelSelector) -> Bool {
    a.matchLabels.elementsEqual(b.matchLabels, by: { $0.key == $1.key && $0.value == $1.value })
      && a.matchExpressions == b.matchExpressions
  }

  public func hash(into hasher: inout Hasher) {
    for pair in matchLabels {
      hasher.combine(pair.key)
      hasher.combine(pair.value)
    }
    hasher.combine(matchExpressions)
  }
}
