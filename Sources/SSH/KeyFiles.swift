import Foundation

/// Facts about private key files, read without decrypting them.
public enum KeyFiles {
  /// True when the key needs a passphrase: OpenSSH-format keys with a cipher other than "none",
  /// or encrypted PEM keys.
  public static func isEncrypted(_ path: String) -> Bool {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
    if text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("BEGIN ENCRYPTED PRIVATE KEY") { return true }
    guard text.contains("BEGIN OPENSSH PRIVATE KEY") else { return false }
    let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    guard let blob = Data(base64Encoded: body).map([UInt8].init) else { return false }
    let magic = Array("openssh-key-v1\0".utf8)
    guard blob.count > magic.count + 4, Array(blob[0..<magic.count]) == magic else { return false }
    let at = magic.count
    let n = Int(blob[at]) << 24 | Int(blob[at + 1]) << 16 | Int(blob[at + 2]) << 8 | Int(blob[at + 3])
    guard n > 0, at + 4 + n <= blob.count else { return false }
    return String(decoding: blob[(at + 4)..<(at + 4 + n)], as: UTF8.self) != "none"
  }
}
