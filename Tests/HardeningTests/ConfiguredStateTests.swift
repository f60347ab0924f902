import Foundation
import Inventory
import TestSupport
import Testing

@testable import Hardening

/// The configured state: the scripts that read what the next boot and the next sshd reload apply
/// (their goldens are checked by `HardeningScriptTests`; here they run on a temporary tree laid out like a host's /etc, /run and /usr/lib), and the
/// audit's reading of their facts.
@Suite struct ConfiguredStateTests {
  static let root = repositoryRoot()
  static let settings = ["net.ipv4.conf.all.send_redirects": "0", "net.ipv4.tcp_syncookies": "1"]
  static let sshd: [(directive: String, value: String)] = [("PermitRootLogin", "no"), ("PasswordAuthentication", "no")]
  static let mine = HardeningKinds.sysctlFile

  /// Checked against their goldens with the others, by `HardeningScriptTests`.
  static let scripts: [String: String] = [
    "sysctl-boot-files": HardeningScripts.sysctlBootFiles(),
    "sysctl-boot-values": HardeningScripts.sysctlBootValues(keys: settings.keys.sorted()),
    "sysctl-conflicts": HardeningScripts.sysctlConflicts(settings: settings, file: mine),
    "disable-sysctl-conflicts": HardeningScripts.disableSysctlConflicts(settings: settings, file: mine),
    "sshd-setting-sources": HardeningScripts.sshdSettingSources(keywords: sshd.map(\.directive)),
    "sshd-conflicts": HardeningScripts.sshdConflicts(settings: sshd, file: HardeningKinds.sshdDropIn),
    "disable-sshd-conflicts": HardeningScripts.disableSSHDConflicts(settings: sshd, file: HardeningKinds.sshdDropIn),
    "units-masked": HardeningScripts.unitsMasked(["debug-shell.service"]),
    "mask-units": HardeningScripts.maskUnits(["debug-shell.service"]),
  ]

  /// A temporary tree; `files` maps a path under it to its content (`@LINK` makes a symlink).
  func tree(_ files: [String: String]) throws -> String {
    let dir = NSTemporaryDirectory() + "bulwark-configured-\(UUID().uuidString)"
    for (path, content) in files {
      let full = dir + path
      try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      if content.hasPrefix("@") {
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: String(content.dropFirst()))
      } else {
        try content.write(toFile: full, atomically: false, encoding: .utf8)
      }
    }
    return dir
  }

  func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(missing)" }

  /// systemd-sysctl's order: a name only from its first directory, files by name across
  /// directories, the later assignment winning, explicit keys over globs, /etc/sysctl.conf last
  /// (once, even when a sysctl.d link points at it).
  @Test func theBootValuesFollowSystemdSysctlsOrder() async throws {
    let r = try tree([
      "/etc/sysctl.d/90-bulwark-hardening.conf": "net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.tcp_syncookies=1\n",
      "/etc/sysctl.d/99-foreign.conf": "# a comment\n  net/ipv4/conf/all/send_redirects =  1 \n",
      "/usr/lib/sysctl.d/99-foreign.conf": "net.ipv4.conf.all.send_redirects = 7\n",
      "/usr/lib/sysctl.d/95-vendor.conf": "-net.ipv4.tcp_syncookies = 0\n",
      "/run/sysctl.d/zz-glob.conf": "net.ipv4.*.all.send_redirects = 5\nkernel.* = 3\n",
      "/etc/sysctl.d/99-sysctl.conf": "@../sysctl.conf",
      "/etc/sysctl.conf": "; nothing here\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: r) }
    let files = try await sh(["-c", HardeningScripts.sysctlBootFiles(root: r)])
    #expect(files.stdout == [
      "/etc/sysctl.d/90-bulwark-hardening.conf", "/usr/lib/sysctl.d/95-vendor.conf", "/etc/sysctl.d/99-foreign.conf",
      "/etc/sysctl.d/99-sysctl.conf", "/run/sysctl.d/zz-glob.conf",
    ].map { r + $0 + "\n" }.joined(), "\(files.stderr)")
    let keys = ["net.ipv4.conf.all.send_redirects", "net.ipv4.tcp_syncookies", "kernel.sysrq", "fs.suid_dumpable"]
    let run = try await sh(["-c", HardeningScripts.sysctlBootValues(keys: keys, root: r)])
    let facts = HostProbe.parse(run.stdout).values
    #expect(facts["sysctlboot.net.ipv4.conf.all.send_redirects"] == "1", "\(run.stdout) \(run.stderr)")
    #expect(facts["sysctlfrom.net.ipv4.conf.all.send_redirects"] == r + "/etc/sysctl.d/99-foreign.conf")
    #expect(facts["sysctlover.net.ipv4.conf.all.send_redirects"] == r + "/etc/sysctl.d/90-bulwark-hardening.conf")
    #expect(facts["sysctlboot.net.ipv4.tcp_syncookies"] == "0" && facts["sysctlfrom.net.ipv4.tcp_syncookies"] == r + "/usr/lib/sysctl.d/95-vendor.conf")
    #expect(facts["sysctlboot.kernel.sysrq"] == "3" && facts["sysctlfrom.kernel.sysrq"] == r + "/run/sysctl.d/zz-glob.conf")
    #expect(facts["sysctlboot.fs.suid_dumpable"] == "unset" && facts["sysctlfrom.fs.suid_dumpable"] == "")
  }

  /// The test names every assignment read after Bulwark's file; the fix comments them out, keeps
  /// an /etc file as it was, masks a package's file with an edited copy, and a second run of the
  /// test then passes (the fix is idempotent: it has nothing left to do).
  @Test func theSysctlConflictsAreNamedAndCommentedOut() async throws {
    let foreign = "# tuning\nnet.ipv4.conf.all.send_redirects=1\nvm.swappiness = 10\n"
    let r = try tree([
      "/etc/sysctl.d/90-bulwark-hardening.conf": "net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.tcp_syncookies = 1\n",
      "/etc/sysctl.d/10-early.conf": "net.ipv4.tcp_syncookies = 0\n",
      "/etc/sysctl.d/99-foreign.conf": foreign,
      "/usr/lib/sysctl.d/99-vendor.conf": "net.ipv4.tcp_syncookies = 0\nnet.ipv4.conf.all.send_redirects = 0\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: r) }
    let test = try await sh(["-c", HardeningScripts.sysctlConflicts(settings: Self.settings, file: Self.mine, root: r)])
    #expect(test.status == 1)
    #expect(test.stdout == """
      \(r)/etc/sysctl.d/99-foreign.conf sets net.ipv4.conf.all.send_redirects = 1 at boot, Bulwark wants 0
      \(r)/usr/lib/sysctl.d/99-vendor.conf sets net.ipv4.tcp_syncookies = 0 at boot, Bulwark wants 1

      """, "\(test.stderr)")
    let fix = try await sh(["-c", HardeningScripts.disableSysctlConflicts(settings: Self.settings, file: Self.mine, root: r)])
    #expect(fix.status == 0, "\(fix.stderr)")
    #expect(read(r + "/etc/sysctl.d/99-foreign.conf.bulwark-disabled") == foreign, "the file as it was is kept")
    let edited = read(r + "/etc/sysctl.d/99-foreign.conf")
    #expect(edited.contains("\n# bulwark-disabled: net.ipv4.conf.all.send_redirects=1\nvm.swappiness = 10\n"), "\(edited)")
    #expect(edited.hasPrefix("# Bulwark, 20") && edited.contains(Self.mine))
    let mask = read(r + "/etc/sysctl.d/99-vendor.conf")
    #expect(mask.contains("masks \(r)/usr/lib/sysctl.d/99-vendor.conf") && mask.contains("# bulwark-disabled: net.ipv4.tcp_syncookies = 0\nnet.ipv4.conf.all.send_redirects = 0\n"), "\(mask)")
    #expect(read(r + "/usr/lib/sysctl.d/99-vendor.conf").hasPrefix("net.ipv4.tcp_syncookies = 0"), "a package's file is left alone")
    #expect(read(r + "/etc/sysctl.d/10-early.conf") == "net.ipv4.tcp_syncookies = 0\n", "a file read before Bulwark's is no conflict")
    let again = try await sh(["-c", HardeningScripts.sysctlConflicts(settings: Self.settings, file: Self.mine, root: r)])
    #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)")
    let boot = HostProbe.parse(try await sh(["-c", HardeningScripts.sysctlBootValues(keys: Self.settings.keys.sorted(), root: r)]).stdout).values
    #expect(boot["sysctlboot.net.ipv4.conf.all.send_redirects"] == "0" && boot["sysctlboot.net.ipv4.tcp_syncookies"] == "1")
    let twice = try await sh(["-c", HardeningScripts.disableSysctlConflicts(settings: Self.settings, file: Self.mine, root: r)])
    #expect(twice.status == 0 && read(r + "/etc/sysctl.d/99-foreign.conf") == edited, "a second fix changes nothing")
  }

  /// sshd's order: the drop-ins in place of the first Include, the first value kept, nothing after a
  /// Match; the test names the file and line read before Bulwark's drop-in, and the fix comments it
  /// out, keeps the file as it was, validates and reloads.
  @Test func sshdSourcesAndConflictsFollowSSHDsOrder() async throws {
    let drop = HardeningKinds.sshdDropIn
    let r = try tree([
      "/etc/ssh/sshd_config": "PasswordAuthentication yes\nInclude /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nMatch User x\n  PermitRootLogin yes\n",
      "/etc/ssh/sshd_config.d/00-a-foreign.conf": "# hi\npermitrootlogin=prohibit-password\n",
      drop: "PermitRootLogin no\nPasswordAuthentication no\n",
      "/etc/ssh/sshd_config.d/50-cloud.conf": "PasswordAuthentication yes\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: r) }
    let sources = HostProbe.parse(try await sh(["-c", HardeningScripts.sshdSettingSources(keywords: ["PermitRootLogin", "PasswordAuthentication", "MaxAuthTries"], root: r)]).stdout).values
    #expect(sources["sshdfrom.permitrootlogin"] == r + "/etc/ssh/sshd_config.d/00-a-foreign.conf")
    #expect(sources["sshdfrom.passwordauthentication"] == r + "/etc/ssh/sshd_config")
    #expect(sources["sshdfrom.maxauthtries"] == nil)
    let test = try await sh(["-c", HardeningScripts.sshdConflicts(settings: Self.sshd, file: drop, root: r)])
    #expect(test.status == 1)
    #expect(test.stdout == """
      \(r)/etc/ssh/sshd_config:1 sets PasswordAuthentication yes before Bulwark's drop-in, Bulwark wants no
      \(r)/etc/ssh/sshd_config.d/00-a-foreign.conf:2 sets permitrootlogin prohibit-password before Bulwark's drop-in, Bulwark wants no

      """, "\(test.stderr)")
    let refused = try await sh(["-c", HardeningScripts.disableSSHDConflicts(settings: Self.sshd, file: drop, root: r, validate: "false", reload: "echo reloaded")])
    #expect(refused.status == 1 && !refused.stdout.contains("reloaded"))
    #expect(read(r + "/etc/ssh/sshd_config").hasPrefix("PasswordAuthentication yes\n"), "a refused result is put back")
    let fix = try await sh(["-c", HardeningScripts.disableSSHDConflicts(settings: Self.sshd, file: drop, root: r, validate: "true", reload: "echo reloaded")])
    #expect(fix.status == 0 && fix.stdout == "reloaded\n", "\(fix.stdout) \(fix.stderr)")
    let main = read(r + "/etc/ssh/sshd_config")
    #expect(main.contains("\n# bulwark-disabled: PasswordAuthentication yes\nInclude /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n"), "\(main)")
    #expect(read(r + "/etc/ssh/sshd_config.d/00-a-foreign.conf.bulwark-disabled") == "# hi\npermitrootlogin=prohibit-password\n")
    #expect(!FileManager.default.fileExists(atPath: r + "/etc/ssh/sshd_config.bulwark-undo"))
    let again = try await sh(["-c", HardeningScripts.sshdConflicts(settings: Self.sshd, file: drop, root: r)])
    #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)")
    let after = HostProbe.parse(try await sh(["-c", HardeningScripts.sshdSettingSources(keywords: ["PermitRootLogin"], root: r)]).stdout).values
    #expect(after["sshdfrom.permitrootlogin"] == r + drop, "Bulwark's drop-in is now read first")
  }

  /// Before Bulwark's drop-in exists (a fresh host's plan), only what sshd would read before it
  /// counts: not the drop-ins that sort after its name, nor sshd_config's lines after the Include.
  @Test func sshdConflictsBeforeTheDropInExists() async throws {
    let r = try tree([
      "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n",
      "/etc/ssh/sshd_config.d/00-a.conf": "PermitRootLogin yes\n",
      "/etc/ssh/sshd_config.d/50-cloud.conf": "PasswordAuthentication yes\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: r) }
    let test = try await sh(["-c", HardeningScripts.sshdConflicts(settings: Self.sshd, file: HardeningKinds.sshdDropIn, root: r)])
    #expect(test.status == 1 && test.stdout == "\(r)/etc/ssh/sshd_config.d/00-a.conf:1 sets PermitRootLogin yes before Bulwark's drop-in, Bulwark wants no\n",
      "\(test.stdout) \(test.stderr)")
  }

  /// The audit fails a kernel parameter whose live value is right but whose next boot is not, and
  /// names the file; an sshd value names the file it was read from; a unit is judged at boot.
  @Test func theAuditReadsTheConfiguredState() throws {
    let auditor = Auditor(waivers: [], today: "2026-12-03")
    let host = try #require(try HardeningTests().inventory().hosts.first { $0.name == "e1" })
    var facts = HostFacts()
    for c in auditor.checks(for: host) {
      switch c.expect {
      case .equals(let v): facts.values[c.fact] = v
      case .atMost(let n): facts.values[c.fact] = "\(n)"
      case .subsetOf(let l): facts.values[c.fact] = l.joined(separator: ",")
      case .includes(let w): facts.values[c.fact] = w.joined(separator: " ")
      case .modeAtMost(let m): facts.values[c.fact] = String(m, radix: 8)
      case .owner(let o): facts.values[c.fact] = o
      }
    }
    facts.values["nft.bulwark"] = "m"
    #expect(auditor.audit(host, facts: facts, firewallMarker: "m").failed == 0)
    let key = "net.ipv4.conf.all.send_redirects"
    facts.values["sysctlboot.\(key)"] = "1"
    facts.values["sysctlfrom.\(key)"] = "/etc/sysctl.d/99-foreign.conf"
    facts.values["sysctlover.\(key)"] = Self.mine
    facts.values["sysctlboot.net.ipv4.tcp_syncookies"] = "unset"
    facts.values["sysctlboot.kernel.sysrq"] = "0"
    facts.values["sshd.permitrootlogin"] = "yes"
    facts.values["sshdfrom.permitrootlogin"] = "/etc/ssh/sshd_config.d/00-a.conf"
    facts.values["sshd.passwordauthentication"] = "yes"
    facts.values["sshdfrom.passwordauthentication"] = HardeningKinds.sshdDropIn
    facts.values["unit.bulwark-firewall.service"] = "disabled"
    facts.values["unitactive.bulwark-firewall.service"] = "active"
    facts.values["unit.debug-shell.service"] = "enabled"
    facts.values["unitactive.debug-shell.service"] = "inactive"
    let failed = auditor.audit(host, facts: facts, firewallMarker: "m").results.compactMap { r -> String? in
      if case .fail(let actual) = r.status { "\(r.check.title): \(actual)" } else { nil }
    }
    #expect(failed == [
      "PermitRootLogin no: yes from /etc/ssh/sshd_config.d/00-a.conf (read before \(HardeningKinds.sshdDropIn))",
      "PasswordAuthentication no: yes",
      "\(key) = 0: live 0, next boot 1 from /etc/sysctl.d/99-foreign.conf (overrides \(Self.mine))",
      "net.ipv4.tcp_syncookies = 1: live 1, next boot unset (no sysctl file sets it)",
      "debug-shell.service masked: no unauthenticated root shell on tty9: enabled at boot (inactive now)",
      "bulwark-firewall.service enabled: the table is loaded at every boot: disabled at boot (active now)",
    ])
  }

  @Test func hostileValuesAreQuoted() {
    let script = HardeningScripts.sysctlConflicts(settings: ["k'$(reboot)": "1"], file: "/etc/sysctl.d/it's.conf")
    #expect(script.contains("-v want='k'\\''$(reboot)=1'") && script.contains("-v mine='it'\\''s.conf'"))
    #expect(HardeningScripts.sshdSettingSources(keywords: ["a'b"]).contains("-v keys='a'\\''b'"))
  }
}
