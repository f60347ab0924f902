import Foundation
import Support

/// Watches stderr for sudo's prompt and Bulwark's marker; the password is sent at most once.
struct SudoGate {
  static let marker = "BULWARK-SUDO-OK"
  static let prompt = "BULWARK-SUDO-PROMPT:"
  var password: Redacted<String>?
  var open: Bool
  var passwordSent = false

  enum Step { case waiting, open, sendPassword([UInt8]), failed }

  mutating func inspect(_ err: inout [UInt8]) -> Step {
    let text = String(decoding: err, as: UTF8.self)
    if let r = text.range(of: Self.marker + "\n") {
      err = Array(text[r.upperBound...].utf8)
      open = true
      return .open
    }
    if let r = text.range(of: Self.prompt) {
      err = Array((text[..<r.lowerBound] + text[r.upperBound...]).utf8)
      guard let password, !passwordSent else { return .failed }
      passwordSent = true
      return .sendPassword(Array((password.revealed() + "\n").utf8))
    }
    return .waiting
  }
}
