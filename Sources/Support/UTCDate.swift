import Foundation

/// Dates as Bulwark writes them: UTC, POSIX locale, whatever the machine's settings.
public enum UTCDate {
  /// `yyyy-MM-dd`, the form waivers' expiry dates take.
  public static func day(_ date: Date = Date()) -> String { format(date, "yyyy-MM-dd") }

  /// `yyyyMMddTHHmmssZ`, for file names.
  public static func compact(_ date: Date = Date()) -> String { format(date, "yyyyMMdd'T'HHmmss'Z'") }

  public static func format(_ date: Date, _ pattern: String) -> String {
    let f = DateFormatter()
    f.dateFormat = pattern
    f.timeZone = TimeZone(identifier: "UTC")
    f.locale = Locale(identifier: "en_US_POSIX")
    return f.string(from: date)
  }
}
