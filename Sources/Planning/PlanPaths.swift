import Foundation

extension Plan {
  /// The plan with every path it names on this machine made absolute, relative ones read against
  /// `directory`: the sources of uploads and the local files of fetches. A plan saved with these
  /// applies from any directory.
  public func withAbsolutePaths(from directory: String) -> Plan {
    var plan = self
    plan.steps = steps.map { step in
      var step = step
      step.operation = step.operation.withAbsolutePaths(from: directory)
      return step
    }
    return plan
  }
}

extension StepOperation {
  /// The operation with its controller-side paths absolute (see `Plan.withAbsolutePaths`).
  public func withAbsolutePaths(from directory: String) -> StepOperation {
    switch self {
    case let .upload(source, path, sha256, mode, owner, group):
      .upload(source: Self.absolute(source, from: directory), path: path, sha256: sha256, mode: mode, owner: owner, group: group)
    case let .fetch(argv, remotePath, localPath):
      .fetch(argv: argv, remotePath: remotePath, localPath: Self.absolute(localPath, from: directory))
    default: self
    }
  }

  /// `path` itself when absolute, else `directory/path`, with `.` and `..` resolved.
  public static func absolute(_ path: String, from directory: String) -> String {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).standardizedFileURL.path
  }
}
