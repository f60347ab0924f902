/// What a step does, resolved at plan time: bytes, argv, expected values. A plan therefore prints,
/// diffs and serialises without any host. `StepFactory` turns an operation into an executable `Step`.
public enum StepOperation: Sendable, Hashable, Codable {
  /// A file with exact content, mode and owner; written atomically.
  case file(path: String, content: String, mode: UInt32, owner: String, group: String)
  case directory(path: String, mode: UInt32, owner: String, group: String)
  /// A system user with no login shell.
  case user(name: String, home: String)
  /// Kernel parameters, persisted in `file` and applied at once.
  case sysctl(settings: [String: String], file: String)
  /// A systemd unit: file content, enabled, and running.
  case systemdUnit(name: String, content: String, enabled: Bool, running: Bool)
  /// A command guarded by an explicit check: the command runs only when `unless` exits non-zero.
  case command(argv: [String], unless: [String])
  /// A local file (an artifact, a certificate) copied to the host. The plan carries its sha256, never
  /// its bytes, so keys stay out of plans; nil means the file will exist only at apply time.
  case upload(source: String, path: String, sha256: String?, mode: UInt32, owner: String, group: String)
  /// Runs `argv`, which leaves a file at `remotePath`; copies it to `localPath` on the controller
  /// (0600), then removes it from the host. Done once: an existing `localPath` satisfies the step.
  case fetch(argv: [String], remotePath: String, localPath: String)
  /// A configuration file that decides how the host is reached (sshd, the firewall): written, checked
  /// with `validate`, put into effect with `activate`, and kept only if a new connection still gets
  /// in; otherwise the previous file comes back (or, if there was none, `deactivate` runs).
  /// `liveCheck`, when not empty, must also pass for the step to be satisfied.
  case guardedConfig(path: String, content: String, mode: UInt32, validate: [String], activate: [String],
    deactivate: [String], liveCheck: [String])
  /// Waits until `argv` exits 0 on the host, polling once a second, for at most `timeoutSeconds`.
  case wait(argv: [String], timeoutSeconds: Int)
  /// A no-op join point on no host: many steps wait for one barrier instead of each waiting for many.
  case barrier
}

/// What applying a step would do, Terraform-style.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
  case create, update, delete, run, check, noop

  public var symbol: String {
    switch self {
    case .create: "+"
    case .update: "~"
    case .delete: "-"
    case .run: ">"
    case .check: "?"
    case .noop: " "
    }
  }
}
