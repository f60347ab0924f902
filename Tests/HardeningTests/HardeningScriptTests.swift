import Foundation
import Inventory
import TestSupport
import Testing

@testable import Hardening

/// Every script in `HardeningScripts`, rendered with fixed inputs against its golden
/// (`Goldens/scripts/NAME.sh`) and parsed by `sh -n`; the files scripts and the probe also run here,
/// on temporary files and read-only, so their behaviour is checked and not only their text.
@Suite struct HardeningScriptTests {
  static let root = repositoryRoot()
  static let marker = "bulwark 0011223344556677"

  /// The catalogue's file rules (every role), as the files kind builds them.
  static var catalogueFileRules: [HardeningScripts.FileRule] {
    Catalogue.all.compactMap { c in
      guard case .fileMode(let path, let mode, let owner) = c.remedy else { return nil }
      return HardeningScripts.FileRule(path: path, mode: mode, owner: owner)
    }
  }

  /// Each script by its golden's name, rendered with fixed inputs.
  static let scripts: [String: String] = [
    "host-probe": HostProbe.script(Catalogue.all),
    "moduli-has-no-weak-group": HardeningScripts.moduliHasNoWeakGroup(),
    "drop-weak-moduli": HardeningScripts.dropWeakModuli(),
    "fix-files": HardeningScripts.fixFiles(catalogueFileRules),
    "files-hold": HardeningScripts.filesHold(catalogueFileRules),
    "firewall-load": HardeningScripts.firewallLoad(),
    "firewall-load-at-boot": HardeningScripts.firewallLoadAtBoot(),
    "firewall-unchanged": HardeningScripts.firewallUnchanged(),
    "firewall-in-effect": HardeningScripts.firewallInEffect(marker: marker),
  ].merging(ConfiguredStateTests.scripts) { a, _ in a }

  @Test(arguments: scripts.keys.sorted())
  func eachScriptMatchesItsGoldenAndParses(_ name: String) async throws {
    let script = try #require(Self.scripts[name])
    let text = script.hasSuffix("\n") ? script : script + "\n"
    if let diff = goldenMismatch(text, file: Self.root + "/Tests/HardeningTests/Goldens/scripts/\(name).sh") {
      Issue.record("\(diff)")
    }
    let check = try await sh(["-n", "-c", script])
    #expect(check.status == 0, "sh -n rejects \(name).sh: \(check.stderr)")
  }

  @Test func shDashNCatchesABrokenScript() async throws {
    #expect(try await sh(["-n", "-c", "if true; then echo"]).status != 0, "the syntax check above could never fail")
  }

  @Test func everyCallerUsesTheseScripts() {
    #expect(FirewallKind.bootUnit.contains("ExecStart=/bin/sh -c '\(HardeningScripts.firewallLoadAtBoot())'\n"))
    // systemd would expand `$` and `%` on the ExecStart line, and a `'` would end the quoted script.
    #expect(!HardeningScripts.firewallLoadAtBoot().contains { "'$%".contains($0) })
    // The probe asks for each path and key once, in catalogue order.
    let checks = Catalogue.all.filter { ["H1", "H2", "SY7"].contains($0.id) }
    #expect(HostProbe.command(checks) == .scriptOnStdin(HardeningScripts.hostProbe(
      paths: ["/etc/ssh/sshd_config", "/etc/ssh/ssh_host_ed25519_key"],
      sysctlKeys: ["net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects",
        "net.ipv6.conf.all.accept_redirects", "net.ipv6.conf.default.accept_redirects"])))
  }

  @Test func hostileValuesAreQuoted() {
    let rule = HardeningScripts.FileRule(path: "/tmp/it's $(reboot)", mode: 0o600, owner: "a b:c")
    #expect(HardeningScripts.fixFiles([rule]).contains("chmod \"$(printf '%o' $(( 0$(stat -c %a '/tmp/it'\\''s $(reboot)') & 0600 )))\" '/tmp/it'\\''s $(reboot)'"))
    #expect(HardeningScripts.fixFiles([rule]).contains("chown 'a b:c' '/tmp/it'\\''s $(reboot)'"))
    #expect(HardeningScripts.firewallInEffect(marker: "x'; reboot; '").contains("grep -qF 'x'\\''; reboot; '\\'''"))
    #expect(HardeningScripts.hostProbe(paths: ["/a b"], sysctlKeys: ["k;reboot"]).contains("if [ -r '/proc/sys/k;reboot' ]; then set -- \"$@\" '/proc/sys/k;reboot'; else echo 'sysctl.k;reboot=absent'; fi"))
  }

  /// The files fix and test on real files: only bits beyond the allowed mode go, a stricter file stays
  /// as it is, a missing file is left alone, and a path with a quote and a space works.
  @Test func theFilesScriptsFixOnlyWhatIsLooser() async throws {
    let dir = NSTemporaryDirectory() + "bulwark-files-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let loose = dir + "/it's loose", strict = dir + "/strict", data = dir + "/data dir"
    _ = FileManager.default.createFile(atPath: loose, contents: nil, attributes: [.posixPermissions: 0o664])
    _ = FileManager.default.createFile(atPath: strict, contents: nil, attributes: [.posixPermissions: 0o400])
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    let me = try await sh(["-c", "echo \"$(id -un):$(id -gn)\""]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let rules = [
      HardeningScripts.FileRule(path: loose, mode: 0o600, owner: nil),
      HardeningScripts.FileRule(path: strict, mode: 0o644, owner: nil),
      HardeningScripts.FileRule(path: data, mode: 0o700, owner: me),
      HardeningScripts.FileRule(path: dir + "/missing", mode: 0o600, owner: me),
    ]
    let before = try await sh(["-c", HardeningScripts.filesHold(rules)])
    #expect(before.status == 1, "the loose files fail the test")
    // It says what it found against what is wanted, one line per difference.
    #expect(before.stdout == "\(loose) mode 0664, wants 0600 or stricter\n\(data) mode 0755, wants 0700 or stricter\n")
    let fix = try await sh(["-c", HardeningScripts.fixFiles(rules)])
    #expect(fix.status == 0, "\(fix.stderr)")
    #expect(try mode(loose) == 0o600 && mode(strict) == 0o400 && mode(data) == 0o700)
    #expect(!FileManager.default.fileExists(atPath: dir + "/missing"))
    let after = try await sh(["-c", HardeningScripts.filesHold(rules)])
    #expect(after.status == 0 && after.stdout.isEmpty, "fixed files pass the test, silently: \(after.stdout)")
  }

  /// The probe is read-only: here it exits 0 and every line it prints is a fact or a read-only mark.
  @Test func theProbeRunsAndEveryLineParses() async throws {
    let run = try await sh(["-c", HardeningScripts.hostProbe(paths: ["/etc/passwd", "/no such file"], sysctlKeys: ["kernel.ostype"])])
    #expect(run.status == 0)
    let facts = HostProbe.parse(run.stdout)
    #expect(facts.values["stat./etc/passwd.mode"] == "644")
    #expect(facts.values["stat./no such file.mode"] == "absent" && facts.values["stat./no such file.owner"] == "absent")
    #expect(facts.values["sysctl.kernel.ostype"] == "Linux")
    #expect(facts.values["nft.bulwark"] != nil, "the firewall fact is always printed")
    for line in run.stdout.split(separator: "\n") { #expect(line.contains("=") || line.hasPrefix("readonly."), "\(line)") }
  }

  @Test func idRangesAreComputedFromTheCatalogue() {
    let sshd = Catalogue.all.filter { if case .sshd = $0.remedy { true } else { false } }
    #expect(CheckIDs.summary(sshd) == "H6-H24, H28")
    let files = Catalogue.all.filter { if case .fileMode = $0.remedy { true } else { false } }
    #expect(CheckIDs.summary(files) == "H1-H3, E8-E10, E13")
    let ids = ["SY1", "SY4", "SY5", "SY6", "FW1", "X"].map { Check(id: $0, cis: nil, title: "", roles: .all, fact: "", expect: .equals(""), remedy: .moduli) }
    #expect(CheckIDs.summary(ids) == "SY1, SY4-SY6, FW1, X")
    #expect(HardeningKinds.sshdConfig(Catalogue.all).hasPrefix("# Managed by Bulwark: hardened sshd (checks H6-H24, H28 of `bulwark checks`)."))
  }

  func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }
}

/// Runs `/bin/sh` with these arguments without blocking the cooperative pool: the process reports
/// its end through `terminationHandler`, and its output goes to temporary files read afterwards.
func sh(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
  let base = NSTemporaryDirectory() + "bulwark-sh-\(UUID().uuidString)"
  let outPath = base + ".out", errPath = base + ".err"
  _ = FileManager.default.createFile(atPath: outPath, contents: nil)
  _ = FileManager.default.createFile(atPath: errPath, contents: nil)
  defer {
    try? FileManager.default.removeItem(atPath: outPath)
    try? FileManager.default.removeItem(atPath: errPath)
  }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/bin/sh")
  p.arguments = arguments
  p.standardInput = FileHandle.nullDevice
  p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
  p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
  let status: Int32 = try await withCheckedThrowingContinuation { c in
    p.terminationHandler = { c.resume(returning: $0.terminationStatus) }
    do { try p.run() } catch {
      p.terminationHandler = nil
      c.resume(throwing: error)
    }
  }
  let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
  let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
  return (status, out, err)
}
