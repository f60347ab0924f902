import Foundation

/// The CVSS v3.0/v3.1 base score from a vector (FIRST's specification, section 7.1), so records that
/// publish only a vector (the Kubernetes feed, OSV) still get a score and a level.
public enum CVSS3 {
  public static func baseScore(_ vector: String) -> Double? {
    let parts = vector.split(separator: "/")
    guard let head = parts.first, head == "CVSS:3.1" || head == "CVSS:3.0" else { return nil }
    var m: [String: String] = [:]
    for p in parts.dropFirst() {
      let kv = p.split(separator: ":", maxSplits: 1)
      guard kv.count == 2 else { return nil }
      m[String(kv[0])] = String(kv[1])
    }
    guard let av = ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2][m["AV"] ?? ""],
      let ac = ["L": 0.77, "H": 0.44][m["AC"] ?? ""],
      let ui = ["N": 0.85, "R": 0.62][m["UI"] ?? ""],
      let scope = m["S"], scope == "U" || scope == "C",
      let c = cia(m["C"]), let i = cia(m["I"]), let a = cia(m["A"])
    else { return nil }
    let changed = scope == "C"
    let prTable = changed ? ["N": 0.85, "L": 0.68, "H": 0.5] : ["N": 0.85, "L": 0.62, "H": 0.27]
    guard let pr = prTable[m["PR"] ?? ""] else { return nil }
    let iss = 1 - (1 - c) * (1 - i) * (1 - a)
    let impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
    let exploitability = 8.22 * av * ac * pr * ui
    if impact <= 0 { return 0 }
    let raw = changed ? min(1.08 * (impact + exploitability), 10) : min(impact + exploitability, 10)
    return roundUp(raw)
  }

  private static func cia(_ v: String?) -> Double? { ["H": 0.56, "L": 0.22, "N": 0][v ?? ""] }

  /// CVSS v3.1's Roundup: the smallest one-decimal number not below the input, robust to float error.
  private static func roundUp(_ x: Double) -> Double {
    let n = Int((x * 100_000).rounded())
    return n % 10_000 == 0 ? Double(n) / 100_000 : (Double(n / 10_000) + 1) / 10
  }
}
