import Foundation
import Testing

/// Real OpenSSH `sshd` processes on loopback addresses such as 127.0.2.X, each with its own host
/// keys and config, started and stopped (by PID) by the tests themselves. Needs root: suites that
/// use it carry `.needsRootAndSSHD`, so a non-root `swift test` skips them and says why.
final class SSHD: @unchecked Sendable {
  static let sshdPath = "/usr/sbin/sshd"

  /// Whether the sshd suites run: exactly when the tests run as root, as they do in CI. Root without
  /// sshd installed is not a reason to skip; `start` fails loudly there instead.
  static var canRun: Bool { getuid() == 0 }

  let address: String
  let port: Int
  let dir: String
  private let pid: pid_t
  /// "ssh-ed25519" → "ssh-ed25519 AAAA…"
  let hostKeys: [String: String]

  struct Failure: Error, CustomStringConvertible { var description: String }

  static func start(address: String, extraConfig: [String] = [], hostKeyTypes: [String] = ["ed25519", "ecdsa"]) throws -> SSHD {
    guard getuid() == 0 else { throw Failure(description: "the sshd tests need root (they start sshd and create test users)") }
    guard FileManager.default.isExecutableFile(atPath: sshdPath) else {
      throw Failure(description: "running as root but \(sshdPath) is missing: install openssh-server (these tests never skip as root)")
    }
    try Environment.prepare()
    let dir = try makeTempDir("sshd-\(address)")
    var keys: [String: String] = [:]
    var config = [
      "ListenAddress \(address):PORT", "PidFile \(dir)/sshd.pid", "AuthorizedKeysFile \(Environment.shared.authorizedKeys)",
      "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
      "KbdInteractiveAuthentication no", "AllowTcpForwarding yes", "LogLevel ERROR", "MaxSessions 100", "MaxStartups 200",
    ]
    for type in hostKeyTypes {
      let path = "\(dir)/ssh_host_\(type)_key"
      try run("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-C", "", "-f", path)
      let pub = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ")
      keys[String(pub[0])] = "\(pub[0]) \(pub[1])"
      config.append("HostKey \(path)")
    }
    config += extraConfig
    let port = try freePort(address)
    let configPath = "\(dir)/sshd_config"
    try config.joined(separator: "\n").replacingOccurrences(of: "PORT", with: "\(port)")
      .appending("\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    let pid = try spawnDaemon([sshdPath, "-D", "-e", "-f", configPath])
    let sshd = SSHD(address: address, port: port, dir: dir, pid: pid, hostKeys: keys)
    let deadline = Date().addingTimeInterval(10)
    while !canConnect(address, port) {
      if !isAlive(pid) || Date() > deadline {
        sshd.stop()
        throw Failure(description: "sshd on \(address):\(port) did not start")
      }
      usleep(20_000)
    }
    return sshd
  }

  private init(address: String, port: Int, dir: String, pid: pid_t, hostKeys: [String: String]) {
    self.address = address
    self.port = port
    self.dir = dir
    self.pid = pid
    self.hostKeys = hostKeys
  }

  deinit { stop() }

  /// `[addr]:port TYPE KEY`, as OpenSSH writes it.
  func knownHostsLine(_ type: String = "ssh-ed25519") -> String {
    "[\(address)]:\(port) \(hostKeys[type]!)"
  }

  /// Writes a known_hosts file with the given lines and returns its path.
  func knownHostsFile(_ lines: [String]) throws -> String {
    let path = "\(try makeTempDir("kh"))/known_hosts"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Per-connection sshd processes currently alive.
  var sessionProcessCount: Int { descendants(of: pid).count }

  /// Kills the per-connection sshd processes (children of the listener), as a crash would.
  func killSessions() {
    for child in descendants(of: pid) { kill(child, SIGKILL) }
  }

  private let stopLock = NSLock()
  private var stopped = false

  func stop() {
    stopLock.lock()
    defer { stopLock.unlock() }
    guard !stopped else { return }
    stopped = true
    let children = descendants(of: pid)
    kill(pid, SIGTERM)
    for child in children { kill(child, SIGKILL) }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
  }
}

extension Trait where Self == ConditionTrait {
  /// For suites that start sshd or create users: they run as root (CI) and are skipped, with this
  /// reason, for a developer's non-root `swift test`.
  static var needsRootAndSSHD: Self {
    .enabled(if: SSHD.canRun, "needs root and \(SSHD.sshdPath): starts sshd and creates test users (CI runs these as root)")
  }
}

extension Tag {
  /// Tests that start real daemons (sshd, ssh-agent) and change the machine's users.
  @Tag static var integration: Self
}

/// Test users, client keys and the sudoers drop-in: created once, reused on later runs.
struct Environment: Sendable {
  static let shared = try! Environment()
  let keys: String
  var authorizedKeys: String { keys + "/authorized_keys" }
  static let sudoUser = "bulwark-sudo", passwordUser = "bulwark-pw", plainUser = "bulwark-plain"
  static let sudoPassword = "correct horse battery staple"
  static let passphrase = "open sesame"

  static func prepare() throws { _ = shared }

  init() throws {
    try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
    for user in [Self.sudoUser, Self.passwordUser, Self.plainUser] {
      if (try? run("/usr/bin/id", "-u", user)) == nil {
        try run("/usr/sbin/useradd", "--create-home", "--shell", "/bin/sh", user)
      }
      // An unlocked account without a usable password: key login works with UsePAM no.
      try run("/usr/sbin/usermod", "-p", "*", user)
    }
    try runShell("echo '\(Self.passwordUser):\(Self.sudoPassword)' | /usr/sbin/chpasswd")
    try """
      # Written by Bulwark's SSH tests.
      \(Self.sudoUser) ALL=(ALL) NOPASSWD: ALL
      \(Self.passwordUser) ALL=(ALL) ALL

      """.write(toFile: "/etc/sudoers.d/bulwark-tests", atomically: true, encoding: .utf8)
    chmod("/etc/sudoers.d/bulwark-tests", 0o440)
    keys = try makeTempDir("client-keys")
    var authorized: [String] = []
    for (name, type, passphrase) in [
      ("id_ed25519", "ed25519", ""), ("id_ecdsa", "ecdsa", ""), ("id_rsa", "rsa", ""),
      ("id_ed25519_pass", "ed25519", Self.passphrase),
    ] {
      let path = "\(keys)/\(name)"
      try run("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", path)
      authorized.append(try String(contentsOfFile: path + ".pub", encoding: .utf8))
    }
    try authorized.joined().write(toFile: authorizedKeys, atomically: true, encoding: .utf8)
    chmod(keys, 0o755)
    chmod(authorizedKeys, 0o644)
  }

  func key(_ name: String) -> String { "\(keys)/\(name)" }
}

@discardableResult
func run(_ argv: String...) throws -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: argv[0])
  p.arguments = Array(argv.dropFirst())
  let out = Pipe()
  p.standardOutput = out
  p.standardError = out
  try p.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  guard p.terminationStatus == 0 else {
    throw SSHD.Failure(description: "\(argv.joined(separator: " ")) exited \(p.terminationStatus): \(String(decoding: data, as: UTF8.self))")
  }
  return String(decoding: data, as: UTF8.self)
}

func runShell(_ script: String) throws { try run("/bin/sh", "-c", script) }

/// Starts a long-lived process with posix_spawn (stdin from /dev/null) and returns its PID; the caller
/// stops and reaps it by that PID. Foundation's Process is avoided for daemons: its child monitor can
/// block in wait4 on a process that never exits and miss other children's exits.
func spawnDaemon(_ argv: [String]) throws -> pid_t {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var pid: pid_t = 0
  let cArgs = argv.map { strdup($0) } + [nil]
  defer { cArgs.forEach { free($0) } }
  let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
  guard rc == 0 else { throw SSHD.Failure(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
  return pid
}

func isAlive(_ pid: pid_t) -> Bool {
  var status: Int32 = 0
  return waitpid(pid, &status, WNOHANG) == 0
}

func makeTempDir(_ prefix: String) throws -> String {
  let path = NSTemporaryDirectory() + "bulwark-\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

func freePort(_ address: String) throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var addr = sockaddr_in()
  addr.sin_family = sa_family_t(AF_INET)
  addr.sin_port = 0
  inet_pton(AF_INET, address, &addr.sin_addr)
  var len = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
  }
  guard bound else { throw SSHD.Failure(description: "no free port on \(address)") }
  return Int(UInt16(bigEndian: addr.sin_port))
}

func canConnect(_ address: String, _ port: Int) -> Bool {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var addr = sockaddr_in()
  addr.sin_family = sa_family_t(AF_INET)
  addr.sin_port = in_port_t(UInt16(port).bigEndian)
  inet_pton(AF_INET, address, &addr.sin_addr)
  return withUnsafePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
  }
}

/// Every process whose parent chain leads to `root`, from /proc.
func descendants(of root: Int32) -> [Int32] {
  var parent: [Int32: Int32] = [:]
  for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
    guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { continue }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
  }
  var out: [Int32] = []
  var frontier = [root]
  while let p = frontier.popLast() {
    for (child, pp) in parent where pp == p {
      out.append(child)
      frontier.append(child)
    }
  }
  return out
}
