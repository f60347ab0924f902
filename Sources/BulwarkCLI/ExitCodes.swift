import ArgumentParser

/// Every exit code Bulwark uses, in one place.
public enum BulwarkExit {
  /// Success; for plan and drift, also "no changes".
  public static let ok = ExitCode(0)
  /// A run failed: a step, a host, or the tool itself.
  public static let failure = ExitCode(1)
  /// plan: changes pending; drift: drift found; audit: a check failed.
  public static let changesPending = ExitCode(2)
  /// The inventory (or a playbook) is invalid.
  public static let invalidInput = ExitCode(3)
}
