/// The one place that turns argv into a POSIX shell command line. Nothing else concatenates shell strings.
public enum ShellQuoting {
  private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")

  /// One word, quoted only when it needs to be.
  public static func quote(_ word: String) -> String {
    if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
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
