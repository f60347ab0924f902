/// The one place that turns argv into a POSIX shell command line. Nothing else concatenates shell strings.
public enum ShellQuoting {
  /// The characters a word may have and stay unquoted, all ASCII; a byte table, since every plan
  /// quotes a few words per step.
  private static let safe: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for b in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_".utf8 { table[Int(b)] = true }
    return table
  }()

  /// One word, quoted only when it needs to be. Tested byte by byte, which is the same as character
  /// by character: a word of safe bytes only is ASCII, where each byte is a character (CR LF aside,
  /// and neither is safe); a character outside ASCII has bytes that are not safe.
  public static func quote(_ word: String) -> String {
    if !word.isEmpty, word.utf8.allSatisfy({ safe[Int($0)] }) { return word }
    guard word.utf8.contains(UInt8(ascii: "'")) else { return "'" + word + "'" }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// A whole argv, each word quoted.
  public static func commandLine(_ argv: [String]) -> String {
    argv.map(quote).joined(separator: " ")
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false)
      .joined(separator: replacement)
  }
}

/// Values read from hosts (etcd member names and ids, Kubernetes node names) are checked against the
/// shape they must have before any script is rendered with them; one that fails is refused, so it can
/// never reach a shell as code (and it is quoted all the same).
public enum HostValue {
  /// A DNS-1123 subdomain, as Kubernetes node names and Bulwark's host names are: lowercase letters,
  /// digits, '-' and '.', starting and ending alphanumeric, at most 253 characters.
  public static func isName(_ s: String) -> Bool {
    guard !s.isEmpty, s.utf8.count <= 253 else { return false }
    let ok = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    guard s.allSatisfy({ ok.contains($0) }), let f = s.first, let l = s.last else { return false }
    return f != "-" && f != "." && l != "-" && l != "."
  }

  /// A hexadecimal id, as etcd's member ids are (1 to 16 digits).
  public static func isHexID(_ s: String) -> Bool {
    (1...16).contains(s.count) && s.allSatisfy(\.isHexDigit)
  }
}

/// Shell text that hashes a file on a host.
public enum ShellDigest {
  /// Sets `variable` to the SHA-256 line of the file `quotedPath` (already quoted, or a `"$var"`),
  /// the digest first: by OpenSSL when the host has it (it uses the CPU's SHA instructions, about
  /// seven times less CPU than coreutils' sha256sum for a 30 MB package), else by sha256sum. Both
  /// print the lower-case hex digest first. Exits non-zero when neither can read the file.
  public static func sha256(into variable: String, of quotedPath: String) -> String {
    "\(variable)=$(openssl dgst -sha256 -r < \(quotedPath) 2>/dev/null) || \(variable)=$(sha256sum < \(quotedPath))"
  }
}
