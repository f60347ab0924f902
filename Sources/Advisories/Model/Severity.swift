/// How bad an advisory is: a qualitative level and, where published, the CVSS v3 base score and vector.
public struct Severity: Hashable, Sendable, Codable {
  /// CVSS v3's qualitative rating scale; `unknown` when the source gives none.
  public enum Level: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case unknown, none, low, medium, high, critical
    private var rank: Int { Level.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }

    /// CVSS v3.x: 0 none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10 critical.
    public init(score: Double) {
      switch score {
      case ..<0.1: self = .none
      case ..<4.0: self = .low
      case ..<7.0: self = .medium
      case ..<9.0: self = .high
      default: self = .critical
      }
    }
  }

  public var level: Level
  public var score: Double?
  public var vector: String?

  public init(level: Level, score: Double? = nil, vector: String? = nil) {
    self.level = level
    self.score = score
    self.vector = vector
  }

  /// From a CVSS v3 vector alone: the base score is computed, the level follows from it.
  public init?(vector: String) {
    guard let score = CVSS3.baseScore(vector) else { return nil }
    self.init(level: Level(score: score), score: score, vector: vector)
  }

  /// `high 8.6` or `medium`.
  public var label: String {
    guard let score else { return level.rawValue }
    return "\(level.rawValue) \(String(format: "%.1f", score))"
  }
}
