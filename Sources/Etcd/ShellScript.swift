import Support

/// A shell script as `EtcdScripts` renders it. Every `String` or number interpolated into one goes
/// through `ShellQuoting.quote` and so becomes one inert word; an argv goes in as a quoted command
/// line (`\(command: argv)`); only another `ShellScript`, a fragment from `EtcdScripts`, goes in as
/// code. A script therefore cannot take an unquoted value, and "every value is quoted" needs no
/// reading to check.
struct ShellScript: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
  let text: String

  init(stringLiteral value: String) { text = value }
  init(stringInterpolation: Interpolation) { text = stringInterpolation.text }
  var description: String { text }

  /// The argv that runs the script: `sh -c TEXT`.
  var argv: [String] { ["sh", "-c", text] }

  struct Interpolation: StringInterpolationProtocol {
    fileprivate var text = ""

    init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + 24 * interpolationCount) }
    mutating func appendLiteral(_ literal: String) { text += literal }
    /// One word, quoted when it needs to be.
    mutating func appendInterpolation(_ word: String) { text += ShellQuoting.quote(word) }
    /// A number, as one word.
    mutating func appendInterpolation(_ number: Int) { text += ShellQuoting.quote(String(number)) }
    /// A command line, each word quoted.
    mutating func appendInterpolation(command argv: [String]) { text += ShellQuoting.commandLine(argv) }
    /// Another script's text, as code.
    mutating func appendInterpolation(_ fragment: ShellScript) { text += fragment.text }
  }
}
