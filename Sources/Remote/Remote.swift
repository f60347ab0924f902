import Crypto
import Foundation
import Support

/// Identifies a host by its inventory name.
public typealias HostID = String

/// A command to run on a host, as argv. It is rendered to a shell line by `ShellQuoting` only at the
/// transport, so nobody concatenates shell strings by hand.
public struct RemoteCommand: Sendable, Hashable, Codable, CustomStringConvertible {
  public var argv: [String]
  /// Bytes fed to the command's standard input.
  public var stdin: [UInt8]?
  /// Run through sudo when the connection is not root.
  public var privileged: Bool
  /// Seconds; nil uses the connection's default.
  public var timeoutSeconds: Int?

  public init(_ argv: [String], stdin: [UInt8]? = nil, privileged: Bool = true, timeoutSeconds: Int? = nil) {
    self.argv = argv
    self.stdin = stdin
    self.privileged = privileged
    self.timeoutSeconds = timeoutSeconds
  }

  /// `sh -c SCRIPT`: for probes that batch several reads into one round trip.
  public static func script(_ script: String, privileged: Bool = true) -> RemoteCommand {
    RemoteCommand(["sh", "-c", script], privileged: privileged)
  }

  /// `sh -s` with SCRIPT on standard input: for batches that grow with the plan. An exec request's
  /// command line must fit in one SSH packet, and libssh2 refuses to send one over 40,000 bytes
  /// (`LIBSSH2_PACKET_MAXPAYLOAD`; "Unable to send channel request", error -34). Standard input has
  /// no such limit. The script is one brace group read from `/dev/null`, so the shell has parsed all
  /// of it before anything runs, and nothing in it can read the rest of the script as its input.
  public static func scriptOnStdin(_ script: String, privileged: Bool = true) -> RemoteCommand {
    let group = "{\n" + script + (script.hasSuffix("\n") ? "" : "\n") + "} </dev/null\n"
    return RemoteCommand(["sh", "-s"], stdin: Array(group.utf8), privileged: privileged)
  }

  /// The shell script this command runs, wherever it travels: the argument of `sh -c`, or the
  /// standard input of `sh -s`. Nil for any other command.
  public var script: String? {
    if argv.count >= 3, argv[0] == "sh", argv[1] == "-c" { return argv[2] }
    if argv == ["sh", "-s"], let stdin { return String(decoding: stdin, as: UTF8.self) }
    return nil
  }

  public var commandLine: String { ShellQuoting.commandLine(argv) }
  public var description: String { commandLine }
}

/// What a command did. A non-zero exit is a value here, never a thrown error.
public struct CommandResult: Sendable, Hashable {
  public var exitStatus: Int32
  public var stdout: [UInt8]
  public var stderr: [UInt8]

  public init(exitStatus: Int32, stdout: [UInt8] = [], stderr: [UInt8] = []) {
    self.exitStatus = exitStatus
    self.stdout = stdout
    self.stderr = stderr
  }

  public var succeeded: Bool { exitStatus == 0 }
  public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
  /// The last few lines of stderr, for error messages.
  public var stderrTail: String {
    stderrText.split(separator: "\n").suffix(5).joined(separator: "\n")
  }
}

/// File metadata as steps compare it.
public struct FileStatus: Sendable, Hashable, Codable {
  public var mode: UInt32
  public var owner: String
  public var group: String
  public var size: Int
  public var isDirectory: Bool

  public init(mode: UInt32, owner: String, group: String, size: Int, isDirectory: Bool) {
    self.mode = mode
    self.owner = owner
    self.group = group
    self.size = size
    self.isDirectory = isDirectory
  }
}

/// One connected host. Implementations run one operation at a time per host.
public protocol RemoteHost: Sendable {
  var id: HostID { get }
  func run(_ command: RemoteCommand) async throws -> CommandResult
  /// nil when the file does not exist.
  func readFile(_ path: String) async throws -> [UInt8]?
  /// Atomic: a temporary file beside the target, then rename. Mode and owner are set before the rename.
  func writeFile(_ path: String, contents: [UInt8], mode: UInt32, owner: String, group: String) async throws
  /// Copies a local file (of any size) to `path`, atomically, like `writeFile`; the bytes that
  /// arrive must have the digest `sha256` (the one the plan names), or nothing is renamed into place.
  func uploadFile(_ localPath: String, to path: String, sha256: String, mode: UInt32, owner: String, group: String) async throws
  /// Opens a second, fresh connection to the host, authenticates and runs a command, then closes
  /// it; this one stays open. Steps that change how the host is reached (sshd, firewall) prove the
  /// way in still works before they keep a change.
  func verifyNewConnection() async throws
  func close() async
}

extension RemoteHost {
  /// Transports without a network path (local, fakes) have nothing to prove.
  public func verifyNewConnection() async throws {}

  /// For transports without streaming: reads the file into memory, checks its digest and writes it.
  public func uploadFile(_ localPath: String, to path: String, sha256: String, mode: UInt32, owner: String, group: String) async throws {
    guard let data = FileManager.default.contents(atPath: localPath) else {
      throw RemoteError(.transferFailure, host: id, "cannot read \(localPath)")
    }
    guard hexString(SHA256.hash(data: data)) == sha256 else {
      throw RemoteError(.transferFailure, host: id, "\(localPath) does not have sha256 \(sha256) (it changed meanwhile?); not written")
    }
    try await writeFile(path, contents: Array(data), mode: mode, owner: owner, group: group)
  }
}

/// Where to connect, resolved from the inventory.
public struct HostEndpoint: Sendable, Hashable {
  public var id: HostID
  public var address: String
  public var port: Int
  public var user: String

  public init(id: HostID, address: String, port: Int, user: String) {
    self.id = id
    self.address = address
    self.port = port
    self.user = user
  }
}

/// Opens connections. One per host is kept by the executor.
public protocol Transport: Sendable {
  func connect(to endpoint: HostEndpoint) async throws -> any RemoteHost
}

/// Errors raised by transports and hosts. Each code is distinct so that callers and tests can tell
/// a refused connection from an unknown host key.
public struct RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
  public typealias Code = ErrorCode<RemoteError>

  public var code: Code
  public var host: HostID
  public var message: String

  public init(_ code: Code, host: HostID, _ message: String) {
    self.code = code
    self.host = host
    self.message = message
  }

  public var description: String { "\(host): \(message) [\(code)]" }
}

extension ErrorCode where Domain == RemoteError {
  public static let connectionRefused = Self("connection-refused")
  public static let nameResolution = Self("name-resolution")
  public static let timeout = Self("timeout")
  public static let authenticationFailed = Self("auth-failed")
  public static let hostKeyUnknown = Self("host-key-unknown")
  public static let hostKeyMismatch = Self("host-key-mismatch")
  public static let channelFailure = Self("channel-failure")
  public static let sudoFailure = Self("sudo-failure")
  public static let transferFailure = Self("transfer-failure")
  public static let disconnected = Self("disconnected")
  public static let protocolError = Self("protocol-error")
  public static let cancelled = Self("cancelled")
  /// The host is not one the caller knows an endpoint for.
  public static let unknownHost = Self("unknown-host")
}
