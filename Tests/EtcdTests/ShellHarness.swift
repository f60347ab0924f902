import Foundation
import TestSupport

/// A scratch directory for running rendered scripts under `/bin/sh` (dash here): fake `etcdctl`
/// and `systemctl` commands that answer from files in the directory, and a marker path that a
/// hostile value would create if a script ever executed it.
struct ShellHarness {
  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  let directory: String
  /// The file every hostile value tries to `touch`.
  var marker: String { directory + "/marker" }
  /// The fake etcdctl, as the argv the scripts take for etcdctl.
  var etcdctl: [String] { [directory + "/bin/etcdctl"] }

  init() throws {
    directory = NSTemporaryDirectory() + "bulwark-etcd-scripts-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
    // Answers from files: members (member list), status and status.json (endpoint status),
    // health (endpoint health); move-leader's target is appended to move-leader.log.
    try executable("etcdctl", """
      #!/bin/sh
      d=\(directory)
      case "$*" in
        *"member list"*) cat "$d/members" ;;
        *"endpoint status -w simple"*) cat "$d/status" ;;
        *"endpoint status -w json"*) cat "$d/status.json" ;;
        *"endpoint health"*) cat "$d/health" ;;
        *move-leader*) for a in "$@"; do last=$a; done; printf '%s\\n' "$last" >> "$d/move-leader.log" ;;
        *) echo "fake etcdctl: unexpected $*" >&2; exit 2 ;;
      esac

      """)
    // `is-active` says yes; `show -p MainPID` and `-p ActiveState` print the files mainpid, activestate.
    try executable("systemctl", """
      #!/bin/sh
      d=\(directory)
      case "$*" in
        "is-active --quiet etcd.service") exit 0 ;;
        *"-p MainPID"*) cat "$d/mainpid" ;;
        *"-p ActiveState"*) cat "$d/activestate" ;;
        *) echo "fake systemctl: unexpected $*" >&2; exit 2 ;;
      esac

      """)
  }

  private func executable(_ name: String, _ text: String) throws {
    try FakeCommand.write(text, to: directory + "/bin/" + name)
  }

  /// A file the fakes answer from.
  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
  }

  func read(_ name: String) -> String? { try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) }
  func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
  func remove() { try? FileManager.default.removeItem(atPath: directory) }

  /// Runs `sh ARGUMENTS` in the directory with the fakes first on PATH (``ChildProcess``).
  func sh(_ arguments: [String]) async throws -> Outcome {
    let r = try await ChildProcess.run(
      "/bin/sh", arguments, in: directory, environment: ["PATH": directory + "/bin:/usr/bin:/bin", "LC_ALL": "C"])
    return Outcome(status: r.status, stdout: r.stdout, stderr: r.stderr)
  }

  /// Runs `script` with `sh -c`.
  func run(_ script: String) async throws -> Outcome { try await sh(["-c", script]) }
}

/// Values a compromised or careless host could report as a member name, id or PID: each one would
/// create `marker` if a script ever ran it as code.
func hostileValues(marker: String) -> [String] {
  [
    "$(touch \(marker))", "`touch \(marker)`", "x; touch \(marker)", "x\ntouch \(marker)", "x && touch \(marker)",
    "'; touch \(marker); '", "\"; touch \(marker); \"", "$(touch \(marker)), https://10.123.0.19:2380",
  ]
}
