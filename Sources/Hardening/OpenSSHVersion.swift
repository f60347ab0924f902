/// The upstream version of a host's OpenSSH server (`9.2`, `10.0`), which decides the sshd keywords
/// hardening may write there: a keyword an older sshd does not know makes `sshd -t` refuse the whole
/// drop-in. Read from what `sshd -V` prints (`OpenSSH_10.0p2 Debian-7+deb13u4, OpenSSL 3.5.9 ...`;
/// an sshd older than 9.2 prints the same words after "unknown option -- V").
public struct OpenSSHVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(_ major: Int, _ minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// The first `OpenSSH_MAJOR.MINOR` in the text; nil when there is none.
  public init?(parsing text: String) {
    guard let start = text.range(of: "OpenSSH_") else { return nil }
    let digits = text[start.upperBound...].prefix { $0.isNumber || $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
    guard digits.count >= 2, let major = Int(digits[0]), let minor = Int(digits[1]) else { return nil }
    self.init(major, minor)
  }

  public var description: String { "\(major).\(minor)" }

  public static func < (a: OpenSSHVersion, b: OpenSSHVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

  /// PerSourcePenalties and PerSourcePenaltyExemptList came with OpenSSH 9.8 (release notes of
  /// OpenSSH 9.8, https://www.openssh.com/txt/release-9.8); Debian 12 ships 9.2, Debian 13 ships 10.0.
  public static let perSourcePenalties = OpenSSHVersion(9, 8)
}

extension HostFacts {
  /// The host's OpenSSH server, from the probe's `version.openssh` line; nil when it printed none.
  public var openSSH: OpenSSHVersion? { values["version.openssh"].flatMap(OpenSSHVersion.init(parsing:)) }
}

extension Check {
  /// Whether this check belongs on a host whose sshd is `version`: a check with no minimum always
  /// does; one with a minimum only where the version is known and at least that (an unknown sshd
  /// gets no keyword it might refuse).
  public func applies(toOpenSSH version: OpenSSHVersion?) -> Bool {
    guard let since = sinceOpenSSH else { return true }
    guard let version else { return false }
    return version >= since
  }
}

extension [Check] {
  /// The checks that belong on a host whose sshd is `version` (`Check.applies(toOpenSSH:)`).
  public func applying(toOpenSSH version: OpenSSHVersion?) -> [Check] { filter { $0.applies(toOpenSSH: version) } }
}
