import Crypto
import Foundation
import Remote
import SSH
import Support
import Testing

/// Connects to one sshd with the given settings.
func connect(_ sshd: SSHD, _ tweak: (inout SSHHostConfig) -> Void = { _ in }, knownHosts: [String]? = nil) async throws
  -> any RemoteHost
{
  let env = Environment.shared
  var config = SSHHostConfig(
    address: sshd.address, port: sshd.port, user: Environment.sudoUser, keyFiles: [env.key("id_ed25519")],
    knownHostsPath: try sshd.knownHostsFile(knownHosts ?? [sshd.knownHostsLine()]),
    connectTimeout: .seconds(5), commandTimeout: .seconds(30))
  tweak(&config)
  let transport = SSHTransport(hosts: ["h": config], threads: 4)
  return try await transport.connect(to: HostEndpoint(id: "h", address: sshd.address, port: sshd.port, user: config.user))
}

func remoteError(_ body: () async throws -> Void) async -> RemoteError? {
  do {
    try await body()
    return nil
  } catch let e as RemoteError {
    return e
  } catch {
    Issue.record("expected a RemoteError, got \(error)")
    return nil
  }
}

@Suite(.serialized, .needsRootAndSSHD, .tags(.integration)) struct SSHAgainstRealSSHDTests {
  let sshd: SSHD
  init() throws { sshd = try SSHD.start(address: "127.0.2.1", extraConfig: ["PubkeyAcceptedAlgorithms +ssh-rsa"]) }

  @Test func execReturnsOutputsAndExitStatusAsValues() async throws {
    let host = try await connect(sshd)
    let r = try await host.run(RemoteCommand(["sh", "-c", "echo out; echo err >&2; exit 3"]))
    #expect(r.exitStatus == 3)
    #expect(r.stdoutText == "out\n" && r.stderrText == "err\n")
    let quoted = try await host.run(RemoteCommand(["printf", "%s|", "a b", "it's", "$HOME", "*"]))
    #expect(quoted.stdoutText == "a b|it's|$HOME|*|", "argv survives the shell untouched")
    let echoed = try await host.run(RemoteCommand(["cat"], stdin: Array("from stdin".utf8)))
    #expect(echoed.stdoutText == "from stdin")
    await host.close()
  }

  @Test(arguments: ["id_ed25519", "id_ecdsa", "id_rsa"])
  func everyKeyTypeAuthenticates(key: String) async throws {
    let host = try await connect(sshd) { $0.keyFiles = [Environment.shared.key(key)] }
    #expect(try await host.run(RemoteCommand(["true"])).succeeded)
    await host.close()
  }

  @Test func passphraseComesFromTheNamedEnvironmentVariable() async throws {
    setenv("BULWARK_TEST_PASSPHRASE", Environment.passphrase, 1)
    let host = try await connect(sshd) {
      $0.keyFiles = [Environment.shared.key("id_ed25519_pass")]
      $0.passphraseEnv = "BULWARK_TEST_PASSPHRASE"
    }
    #expect(try await host.run(RemoteCommand(["true"])).succeeded)
    await host.close()
    let e = await remoteError {
      _ = try await connect(sshd) {
        $0.keyFiles = [Environment.shared.key("id_ed25519_pass")]
        $0.passphraseEnv = "BULWARK_TEST_NO_SUCH_VAR"
      }
    }
    #expect(e?.code == .authenticationFailed)
    #expect(e?.message.contains("set BULWARK_TEST_NO_SUCH_VAR") == true)
  }

  @Test func severalKeysAreTriedInOrderAndFailureNamesThem() async throws {
    let host = try await connect(sshd) { $0.keyFiles = ["/nonexistent/key", Environment.shared.key("id_ecdsa")] }
    #expect(try await host.run(RemoteCommand(["true"])).succeeded)
    await host.close()
    let stray = try makeTempDir("stray")
    try run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "\(stray)/k")
    let e = await remoteError { _ = try await connect(sshd) { $0.keyFiles = ["/nonexistent/key", "\(stray)/k"] } }
    #expect(e?.code == .authenticationFailed)
    #expect(e?.message == "authentication as \(Environment.sudoUser)@127.0.2.1 failed; tried: /nonexistent/key (missing), \(stray)/k (rejected)")
  }

  @Test func agentAuthentication() async throws {
    let dir = try makeTempDir("agent")
    let socket = "\(dir)/agent.sock"
    let agent = try spawnDaemon(["/usr/bin/ssh-agent", "-D", "-a", socket])
    defer {
      kill(agent, SIGKILL)
      var status: Int32 = 0
      waitpid(agent, &status, 0)
    }
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
    try runShell("SSH_AUTH_SOCK=\(socket) ssh-add -q \(Environment.shared.key("id_ecdsa")) 2>/dev/null")
    setenv("SSH_AUTH_SOCK", socket, 1)
    defer { unsetenv("SSH_AUTH_SOCK") }
    let host = try await connect(sshd) {
      $0.keyFiles = []
      $0.useAgent = true
    }
    #expect(try await host.run(RemoteCommand(["true"])).succeeded)
    await host.close()
  }

  // MARK: Host keys

  @Test func strictRefusesAnUnknownKeyAndShowsTheFingerprint() async throws {
    let e = await remoteError { _ = try await connect(sshd, knownHosts: ["# empty"]) }
    #expect(e?.code == .hostKeyUnknown)
    #expect(e?.message.contains("SHA256:") == true)
    #expect(e?.message.contains("ssh-keyscan -p \(sshd.port)") == true)
  }

  @Test func strictRefusesAChangedKey() async throws {
    let other = try SSHD.start(address: "127.0.2.9")
    let forged = "[\(sshd.address)]:\(sshd.port) \(other.hostKeys["ssh-ed25519"]!)"
    let e = await remoteError { _ = try await connect(sshd, knownHosts: [forged]) }
    #expect(e?.code == .hostKeyMismatch)
    #expect(e?.message.hasPrefix("HOST KEY MISMATCH") == true)
  }

  @Test func aPortlessEntryDoesNotVouchForAnotherPort() async throws {
    let e = await remoteError { _ = try await connect(sshd, knownHosts: ["\(sshd.address) \(sshd.hostKeys["ssh-ed25519"]!)"]) }
    #expect(e?.code == .hostKeyUnknown)
  }

  @Test func hashedEntriesAndEcdsaOnlyEntriesWork() async throws {
    let path = try sshd.knownHostsFile([sshd.knownHostsLine("ecdsa-sha2-nistp256")])
    try run("/usr/bin/ssh-keygen", "-q", "-H", "-f", path)
    let hashed = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(hashed.first?.hasPrefix("|1|") == true)
    let host = try await connect(sshd, knownHosts: hashed)
    #expect(try await host.run(RemoteCommand(["true"])).succeeded)
    await host.close()
  }

  @Test func acceptNewAddsUnknownKeysButRefusesChangedOnes() async throws {
    let known = try sshd.knownHostsFile(["# empty"])
    let host = try await connect(sshd) {
      $0.hostKeyPolicy = .acceptNew
      $0.knownHostsPath = known
    }
    await host.close()
    let written = try String(contentsOfFile: known, encoding: .utf8)
    #expect(written.contains(sshd.knownHostsLine()))
    // Strict now accepts it.
    let again = try await connect(sshd) { $0.knownHostsPath = known }
    await again.close()
    let other = try SSHD.start(address: "127.0.2.10")
    let forged = "[\(sshd.address)]:\(sshd.port) \(other.hostKeys["ssh-ed25519"]!)"
    let e = await remoteError { _ = try await connect(sshd, { $0.hostKeyPolicy = .acceptNew }, knownHosts: [forged]) }
    #expect(e?.code == .hostKeyMismatch)
  }

  @Test func pinnedKeys() async throws {
    let host = try await connect(sshd, {
      $0.hostKeyPolicy = .pinned
      $0.pinnedHostKey = sshd.hostKeys["ssh-ed25519"]
    }, knownHosts: ["# unused"])
    await host.close()
    let other = try SSHD.start(address: "127.0.2.11")
    let e = await remoteError {
      _ = try await connect(sshd, {
        $0.hostKeyPolicy = .pinned
        $0.pinnedHostKey = other.hostKeys["ssh-ed25519"]
      }, knownHosts: ["# unused"])
    }
    #expect(e?.code == .hostKeyMismatch)
  }

  // MARK: Files, volume, time

  @Test func largeUploadIsStreamedAndCheckedBySha256() async throws {
    // A non-root login that becomes root through sudo, so the file can be owned by root.
    let host = try await connect(sshd) { $0.become = true }
    let dir = try makeTempDir("upload")
    var bytes = [UInt8](repeating: 0, count: 64 << 20)
    for i in stride(from: 0, to: bytes.count, by: 4096) { bytes[i] = UInt8(truncatingIfNeeded: i / 4096) }
    let local = "\(dir)/local.bin"
    _ = FileManager.default.createFile(atPath: local, contents: Data(bytes))
    let ssh = try #require(host as? SSHHost)
    try await ssh.uploadFile(local, to: "\(dir)/remote.bin", sha256: hexString(SHA256.hash(data: Data(bytes))), mode: 0o600,
      owner: "root", group: "root")
    // Bytes that are not what the caller named are refused on the host, and nothing is renamed.
    await #expect(throws: RemoteError.self) {
      try await ssh.uploadFile(local, to: "\(dir)/wrong.bin", sha256: String(repeating: "0", count: 64), mode: 0o600,
        owner: "root", group: "root")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/wrong.bin"))
    let written = try #require(FileManager.default.contents(atPath: "\(dir)/remote.bin"))
    #expect(SHA256.hash(data: written) == SHA256.hash(data: Data(bytes)))
    let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/remote.bin")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["local.bin", "remote.bin"], "no temporary file left")
    // Small writes and reads through the RemoteHost protocol.
    try await host.writeFile("\(dir)/small", contents: Array("hello\n".utf8), mode: 0o644, owner: "root", group: "root")
    #expect(try await host.readFile("\(dir)/small") == Array("hello\n".utf8))
    #expect(try await host.readFile("\(dir)/absent") == nil)
    await host.close()
  }

  // MARK: sudo

  @Test func sudoWithoutPassword() async throws {
    let host = try await connect(sshd) { $0.become = true }
    #expect(try await host.run(RemoteCommand(["id", "-u"])).stdoutText == "0\n")
    #expect(try await host.run(RemoteCommand(["id", "-u"], privileged: false)).stdoutText != "0\n")
    let piped = try await host.run(RemoteCommand(["cat"], stdin: Array("through sudo".utf8)))
    #expect(piped.stdoutText == "through sudo" && piped.stderrText.isEmpty)
    await host.close()
  }

  /// A batched probe grows with the plan. On the command line it stops at libssh2's packet limit;
  /// on standard input it does not, and a command in it that reads stdin cannot eat the script.
  @Test func aScriptLargerThanOnePacketRunsFromStandardInput() async throws {
    let host = try await connect(sshd) { $0.become = true }
    let lines = (0..<2_000).map { "echo \"@@ \($0) $(id -u) \(String(repeating: "x", count: 40))\"" }
    let script = "cat\n" + lines.joined(separator: "\n") + "\necho done"
    #expect(script.utf8.count > 80_000)
    let r = try await host.run(.scriptOnStdin(script))
    let out = r.stdoutText.split(separator: "\n")
    #expect(r.exitStatus == 0 && out.count == 2_001 && out.first == "@@ 0 0 \(String(repeating: "x", count: 40))" && out.last == "done")
    #expect(RemoteCommand.scriptOnStdin(script).script?.contains("echo done") == true)
    let e = await remoteError { _ = try await host.run(.script(script)) }
    #expect(e?.message.contains("-34") == true, "the same script as `sh -c` is over libssh2's limit: \(e?.message ?? "it ran")")
    await host.close()
  }

  @Test func sudoWithAPasswordFromTheEnvironment() async throws {
    setenv("BULWARK_TEST_SUDO_PW", Environment.sudoPassword, 1)
    let host = try await connect(sshd) {
      $0.user = Environment.passwordUser
      $0.become = true
      $0.becomePasswordEnv = "BULWARK_TEST_SUDO_PW"
    }
    let r = try await host.run(RemoteCommand(["sh", "-c", "id -u; cat"], stdin: Array("payload".utf8)))
    #expect(r.stdoutText == "0\npayload", "the password must not leak into the command's stdin")
    #expect(!r.stderrText.contains(Environment.sudoPassword))
    setenv("BULWARK_TEST_SUDO_PW", "xyzzy-not-the-password", 1)
    let e = await remoteError { _ = try await host.run(RemoteCommand(["id", "-u"])) }
    #expect(e?.code == .sudoFailure)
    #expect(e?.message.contains("xyzzy") == false, "the password is never part of an error")
    await host.close()
  }

  @Test func sudoRefusedIsADistinctError() async throws {
    let host = try await connect(sshd) {
      $0.user = Environment.plainUser
      $0.become = true
    }
    let e = await remoteError { _ = try await host.run(RemoteCommand(["id", "-u"])) }
    #expect(e?.code == .sudoFailure)
    await host.close()
  }

  @Test func aThousandSequentialCommandsOnOneSession() async throws {
    let host = try await connect(sshd)
    for i in 0..<1000 {
      let r = try await host.run(RemoteCommand(["echo", "\(i)"]))
      if r.stdoutText != "\(i)\n" {
        Issue.record("command \(i) returned \(r.stdoutText)")
        break
      }
    }
    await host.close()
  }

  @Test func aTimeoutFiresAndEndsTheRemoteCommand() async throws {
    let host = try await connect(sshd)
    let marker = "bulwark-timeout-\(getpid())-\(Int.random(in: 0...999999))"
    let start = ContinuousClock.now
    let e = await remoteError { _ = try await host.run(RemoteCommand(["sh", "-c", "exec sleep 30 # \(marker)"], timeoutSeconds: 1)) }
    #expect(e?.code == .timeout)
    #expect(ContinuousClock.now - start < .seconds(10))
    // The session stays usable, and the remote sleep is gone.
    #expect(try await host.run(RemoteCommand(["true"])).succeeded)
    // The bracket keeps pgrep from matching its own command line.
    let left = try await host.run(RemoteCommand(["pgrep", "-f", "[" + marker.prefix(1) + "]" + marker.dropFirst()]))
    #expect(left.exitStatus == 1, "the timed-out command still runs: \(left.stdoutText)")
    await host.close()
  }
}

@Suite(.serialized, .needsRootAndSSHD, .tags(.integration)) struct SSHFailureModesTests {
  @Test func connectionErrorsHaveDistinctCodes() async throws {
    let sshd = try SSHD.start(address: "127.0.2.20")
    let refused = await remoteError { _ = try await connect(sshd) { $0.port = try! freePort("127.0.2.20") } }
    #expect(refused?.code == .connectionRefused)
    let unresolvable = await remoteError { _ = try await connect(sshd) { $0.address = "no-such-host.invalid" } }
    #expect(unresolvable?.code == .nameResolution)
    // A listener that accepts but never speaks SSH: the handshake times out.
    let silent = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(silent) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, "127.0.2.21", &addr.sin_addr)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(silent, $0, len) == 0 && getsockname(silent, $0, &len) == 0 }
    }
    listen(silent, 8)
    let port = Int(UInt16(bigEndian: addr.sin_port))
    let start = ContinuousClock.now
    let timeout = await remoteError {
      _ = try await connect(sshd) {
        $0.address = "127.0.2.21"
        $0.port = port
        $0.connectTimeout = .seconds(1)
      }
    }
    #expect(timeout?.code == .timeout)
    #expect(ContinuousClock.now - start < .seconds(5))
  }

  @Test func sshdKilledMidCommandIsAClearErrorAndOtherHostsCarryOn() async throws {
    let victim = try SSHD.start(address: "127.0.2.22")
    let healthy = try SSHD.start(address: "127.0.2.23")
    let a = try await connect(victim)
    let b = try await connect(healthy)
    async let doomed: Void = {
      let e = await remoteError { _ = try await a.run(RemoteCommand(["sleep", "20"])) }
      #expect(e?.code == .disconnected, "got \(String(describing: e))")
      #expect(e?.host == "h")
    }()
    try await Task.sleep(for: .milliseconds(500))
    victim.killSessions()
    let start = ContinuousClock.now
    await doomed
    #expect(ContinuousClock.now - start < .seconds(5))
    #expect(try await b.run(RemoteCommand(["echo", "fine"])).stdoutText == "fine\n")
    await b.close()
  }

  @Test func twoHopBastionWithBothHopsVerified() async throws {
    let bastion = try SSHD.start(address: "127.0.2.24")
    let target = try SSHD.start(address: "127.0.2.25")
    let known = [bastion.knownHostsLine(), target.knownHostsLine()]
    let host = try await connect(target, {
      $0.bastion = .init(address: bastion.address, port: bastion.port, user: Environment.sudoUser,
        keyFiles: [Environment.shared.key("id_ed25519")], pinnedHostKey: nil)
    }, knownHosts: known)
    #expect(bastion.sessionProcessCount > 0, "the connection goes through the bastion")
    let r = try await host.run(RemoteCommand(["hostname"]))
    #expect(r.succeeded)
    // Volume through the tunnel.
    let big = [UInt8](repeating: 0x61, count: 4 << 20)
    let echoed = try await host.run(RemoteCommand(["wc", "-c"], stdin: big))
    #expect(echoed.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "\(big.count)")
    await host.close()
    // An unverified bastion is refused even when the target is known.
    let e = await remoteError {
      _ = try await connect(target, {
        $0.bastion = .init(address: bastion.address, port: bastion.port, user: Environment.sudoUser,
          keyFiles: [Environment.shared.key("id_ed25519")], pinnedHostKey: nil)
      }, knownHosts: [target.knownHostsLine()])
    }
    #expect(e?.code == .hostKeyUnknown)
  }
}

@Suite(.needsRootAndSSHD, .tags(.integration)) struct SSHConcurrencyTests {
  /// 24 hosts worked on at once by their callers still use at most the pool's 3 OS threads:
  /// host count never turns into thread count, and nothing blocks Swift's cooperative pool.
  @Test func manyHostsShareABoundedThreadPool() async throws {
    let sshd = try SSHD.start(address: "127.0.2.30")
    let known = try sshd.knownHostsFile([sshd.knownHostsLine()])
    var configs: [HostID: SSHHostConfig] = [:]
    for i in 0..<24 {
      configs["h\(i)"] = SSHHostConfig(
        address: sshd.address, port: sshd.port, user: Environment.sudoUser,
        keyFiles: [Environment.shared.key("id_ed25519")], knownHostsPath: known)
    }
    let transport = SSHTransport(hosts: configs, threads: 3)
    let results = try await withThrowingTaskGroup(of: String.self) { group in
      for i in 0..<24 {
        group.addTask {
          let host = try await transport.connect(to: HostEndpoint(id: "h\(i)", address: sshd.address, port: sshd.port, user: ""))
          let r = try await host.run(RemoteCommand(["echo", "h\(i)"], privileged: false))
          await host.close()
          return r.stdoutText
        }
      }
      var all: [String] = []
      for try await r in group { all.append(r) }
      return all
    }
    #expect(results.count == 24)
    #expect(Set(results).count == 24)
    #expect(transport.threadCount <= 3)
  }

  @Test func cancellingATaskInterruptsTheBlockingCall() async throws {
    let sshd = try SSHD.start(address: "127.0.2.31")
    let host = try await connect(sshd)
    let start = ContinuousClock.now
    let task = Task { try await host.run(RemoteCommand(["sleep", "20"], privileged: false)) }
    try await Task.sleep(for: .milliseconds(300))
    task.cancel()
    let outcome = await task.result
    guard case .failure(let error) = outcome, let e = error as? RemoteError else {
      Issue.record("expected an interruption, got \(outcome)")
      return
    }
    #expect(e.code == .cancelled)
    #expect(ContinuousClock.now - start < .seconds(3))
    await host.close()
  }
}

/// Needs ssh-keygen but not root: the keys are made in a temporary directory of its own.
@Suite struct KeyFileTests {
  @Test func encryptedKeysAreRecognisedWithoutDecrypting() throws {
    let dir = try makeTempDir("key-files")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (name, type, passphrase) in [("plain", "ed25519", ""), ("rsa", "rsa", ""), ("pass", "ed25519", "open sesame")] {
      try run("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", "\(dir)/\(name)")
    }
    #expect(KeyFiles.isEncrypted("\(dir)/pass"))
    #expect(!KeyFiles.isEncrypted("\(dir)/plain"))
    #expect(!KeyFiles.isEncrypted("\(dir)/rsa"))
    #expect(!KeyFiles.isEncrypted("\(dir)/plain.pub"), "a public key is not an encrypted private key")
    #expect(!KeyFiles.isEncrypted("/nonexistent"))
  }
}
