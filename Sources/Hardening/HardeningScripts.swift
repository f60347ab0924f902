import Inventory
import Support

/// Every shell script Hardening runs on a host, one function each, so each can be read, quoted and
/// golden-tested on its own (`Tests/HardeningTests/Goldens/scripts/`). The kinds and the probe pass
/// these strings to `sh -c`. Every string interpolated into a script goes through
/// `ShellQuoting.quote`; the only other values are file modes, typed `UInt32`s written as octal
/// digits. Pure: a string out, nothing run.
public enum HardeningScripts {
  /// sshd's Diffie-Hellman groups; a line whose fifth field is under 2047 is a group under 2048 bits.
  static let moduli = "/etc/ssh/moduli"
  /// The awk condition that picks the weak groups out of `moduli` (comment lines have no numeric size).
  static let weakGroup = "$5 < 2047 && $5 ~ /^[0-9]+$/"

  /// The one-round-trip host probe: the effective sshd settings (`sshd -T`), the mode and owner of each
  /// path, each kernel parameter and whether this host may write it, the number of weak moduli, the
  /// running etcd's flags (from its command line, so a unit changed without a restart shows) and
  /// version (its binary's `--version`), the marker of the loaded firewall, the Debian release's
  /// codename and the installed versions of `versionedPackages` (`dpkg-query`), for advisory audits.
  ///
  /// Output: `key=value` lines (`sshd.DIRECTIVE`, `stat.PATH.mode`, `stat.PATH.owner`, `sysctl.KEY`,
  /// `moduli.weak`, `etcd.FLAG`, `version.etcd`, `version.openssh`, `nft.bulwark`, `os.codename`, `dpkg.PACKAGE`, and the configured state:
  /// `sysctlboot.KEY`, `sysctlfrom.KEY`, `sysctlover.KEY`, `sshdfrom.KEYWORD`, `unit.NAME`, `unitactive.NAME`) and `readonly.KEY` lines, which `HostProbe.parse`
  /// reads. A missing file or key reads `absent`; a table changed since Bulwark loaded it reads
  /// `changed since Bulwark loaded it`; no table reads empty. Exit status: always 0.
  /// The Debian packages whose versions the probe reports (`dpkg.NAME=VERSION`), for advisory audits.
  public static let versionedPackages = [
    "openssh-server", "openssh-client", "containerd", "containerd.io", "runc", "etcd-server", "kubelet", "kubeadm",
  ]

  public static func hostProbe(paths: [String], sysctlKeys: [String], sshdKeywords: [String] = [], units: [String] = []) -> String {
    #"""
    sshd -T 2>/dev/null | sed -n 's/^\([a-z0-9]*\) \(.*\)$/sshd.\1=\2/p'
    \#(statLines(paths))
    \#(sysctlLines(sysctlKeys))
    if [ -r \#(q(moduli)) ]; then echo "moduli.weak=$(awk \#(q(weakGroup)) \#(q(moduli)) | wc -l)"; fi
    pid=$(systemctl show -p MainPID --value \#(q(EtcdPaths.unitName)) 2>/dev/null)
    if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -r /proc/$pid/cmdline ]; then
      tr '\0' '\n' < /proc/$pid/cmdline | sed -n 's/^--\([^=]*\)=\(.*\)$/etcd.\1=\2/p'
      echo "version.etcd=$(/proc/$pid/exe --version 2>/dev/null | sed -n 's/^etcd Version: //p' | head -1)"
    fi
    echo "version.openssh=$(\#(openSSHVersion()))"
    echo "os.codename=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")"
    dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' \#(words(versionedPackages)) 2>/dev/null |
      awk '$1 == "ii" { print "dpkg." $2 "=" $3 }'
    if \#(firewallUnchanged()); then
      echo "nft.bulwark=$(nft list table inet bulwark 2>/dev/null | sed -n 's/.*comment "\(bulwark [0-9a-f]*\)".*/\1/p' | head -1)"
    else
      echo "nft.bulwark=$(nft list table inet bulwark >/dev/null 2>&1 && echo changed since Bulwark loaded it)"
    fi
    \#(configuredState(sysctlKeys: sysctlKeys, sshdKeywords: sshdKeywords, units: units))
    exit 0
    """#
  }

  /// `stat.PATH.mode` and `stat.PATH.owner` for every path, by one `stat` for all of them; a path
  /// that is not there (nor a dangling symlink) reads `absent`.
  static func statLines(_ paths: [String]) -> String {
    guard !paths.isEmpty else { return ":" }
    return #"""
      for p in \#(words(paths)); do [ -e "$p" ] || [ -h "$p" ] || printf 'stat.%s.mode=absent\nstat.%s.owner=absent\n' "$p" "$p"; done
      stat --printf 'stat.%n.mode=%a\nstat.%n.owner=%U:%G\n' -- \#(words(paths)) 2>/dev/null
      """#
  }

  /// `sysctl.KEY=VALUE` (tabs as spaces) for every readable parameter, by one `awk` for all of them
  /// (a sysctl file must be read in one go: an integer vector read from an offset reads as empty, so
  /// the shell's own `read` will not do); `sysctl.KEY=absent` for the others, and `readonly.KEY`
  /// where this host may not write it (the tests are the shell's own: nothing forked per key). The
  /// readable files are collected in the positional parameters, every one quoted.
  static func sysctlLines(_ keys: [String]) -> String {
    guard !keys.isEmpty else { return ":" }
    let lines = keys.map { key -> String in
      let f = q("/proc/sys/" + key.replacingOccurrences(of: ".", with: "/"))
      return "if [ -r \(f) ]; then set -- \"$@\" \(f); else echo \(q("sysctl.\(key)=absent")); fi; [ -w \(f) ] || echo \(q("readonly.\(key)"))"
    }
    return #"""
      set --
      \#(lines.joined(separator: "\n"))
      [ "$#" -eq 0 ] || LC_ALL=C awk 'FNR == 1 { k = substr(FILENAME, 11); gsub("/", ".", k); gsub("\t", " "); print "sysctl." k "=" $0 }' "$@"
      """#
  }

  /// The host's OpenSSH server version as `sshd -V` names it (`OpenSSH_10.0`), or nothing; read by
  /// `OpenSSHVersion(parsing:)`. sshd is looked for in /usr/sbin too, which a login shell's PATH
  /// may lack when the command runs without `become`. Exit status: always 0.
  public static func openSSHVersion() -> String {
    #"PATH="$PATH:/usr/sbin:/sbin" sshd -V 2>&1 | grep -m1 -o 'OpenSSH_[0-9][0-9.]*' || :"#
  }

  /// The probe's part about the next boot and the next sshd reload (`ConfiguredStateScripts.swift`):
  /// what the sysctl files set and from where, where each sshd keyword is first read from, and
  /// whether each unit starts at boot (`unit.NAME`, `systemctl is-enabled`; empty when there is no
  /// such unit) and runs now (`unitactive.NAME`).
  static func configuredState(sysctlKeys: [String], sshdKeywords: [String], units: [String]) -> String {
    var parts: [String] = []
    if !sysctlKeys.isEmpty { parts.append("( \(sysctlBootValues(keys: sysctlKeys))\n) 2>/dev/null") }
    if !sshdKeywords.isEmpty { parts.append("( \(sshdSettingSources(keywords: sshdKeywords))\n) 2>/dev/null") }
    if !units.isEmpty {
      parts.append("""
        for u in \(words(units)); do
          echo "unit.$u=$(systemctl is-enabled "$u" 2>/dev/null)"; echo "unitactive.$u=$(systemctl is-active "$u" 2>/dev/null)"
        done
        """)
    }
    return parts.joined(separator: "\n")
  }

  /// H25's test: exit 0 when `/etc/ssh/moduli` holds no group under 2048 bits (or does not exist);
  /// when it holds some, prints `/etc/ssh/moduli holds N groups under 2048 bits, wants none` and
  /// exits 1.
  public static func moduliHasNoWeakGroup() -> String {
    """
    n=$(awk \(q(weakGroup)) \(q(moduli)) 2>/dev/null | grep -c .)
    [ "${n:-0}" -eq 0 ] && exit 0
    printf '%s holds %s groups under 2048 bits, wants none\\n' \(q(moduli)) "$n"; exit 1
    """
  }

  /// H25's fix: rewrites `/etc/ssh/moduli` without the groups under 2048 bits (comments kept), mode
  /// 0644, through a temporary file and a rename so sshd never reads half a file. Exit status: 0, or
  /// the first failing command's. No output.
  public static func dropWeakModuli() -> String {
    let tmp = q(moduli + ".bulwark")
    return "awk '$1 ~ /^#/ || $5 >= 2047' \(q(moduli)) > \(tmp) && chmod 0644 \(tmp) && mv \(tmp) \(q(moduli))"
  }

  /// What one file must look like: a mode no looser than `mode`, an owner `user:group`, or both.
  public struct FileRule: Sendable, Equatable {
    public var path: String
    public var mode: UInt32?
    public var owner: String?
    public init(path: String, mode: UInt32?, owner: String?) {
      self.path = path
      self.mode = mode
      self.owner = owner
    }
  }

  /// The files fix (H1 to H3, E8 to E10, E13): for each file that exists, removes only the mode bits
  /// beyond the allowed ones (a file already stricter stays so) and sets the owner. One line per
  /// rule; a missing file is left alone. Exit status: the last line's. No output.
  public static func fixFiles(_ rules: [FileRule]) -> String {
    rules.flatMap { r -> [String] in
      let p = q(r.path)
      var lines: [String] = []
      if let mode = r.mode {
        lines.append("[ ! -e \(p) ] || chmod \"$(printf '%o' $(( 0$(stat -c %a \(p)) & 0\(octal(mode)) )))\" \(p)")
      }
      if let owner = r.owner { lines.append("[ ! -e \(p) ] || chown \(q(owner)) \(p)") }
      return lines
    }.joined(separator: "\n")
  }

  /// The files test: exit 0 when every file that exists has no mode bit beyond its allowed mode and
  /// the expected owner; otherwise exits 1 after one line per difference, `PATH mode 0644, wants
  /// 0600 or stricter` or `PATH owner USER:GROUP, wants USER:GROUP`. A missing file is no difference.
  public static func filesHold(_ rules: [FileRule]) -> String {
    let lines = rules.flatMap { r -> [String] in
      let p = q(r.path)
      var tests: [String] = []
      if let mode = r.mode {
        tests.append(
          "if m=$(stat -c %a \(p) 2>/dev/null) && [ $(( 0$m & ~0\(octal(mode)) & 07777 )) -ne 0 ]; then printf '%s mode %04d, wants 0\(octal(mode)) or stricter\\n' \(p) \"$m\"; bad=1; fi")
      }
      if let owner = r.owner {
        tests.append(
          "if o=$(stat -c %U:%G \(p) 2>/dev/null) && [ \"$o\" != \(q(owner)) ]; then printf '%s owner %s, wants %s\\n' \(p) \"$o\" \(q(owner)); bad=1; fi")
      }
      return tests
    }
    return (["bad=0"] + lines + ["exit $bad"]).joined(separator: "\n")
  }

  /// Loads Bulwark's nftables file atomically and records the sha256 of the table the kernel then
  /// holds in `Firewall.loadedDigest`, which `firewallUnchanged` compares against. The listing is
  /// numeric (`-n`) and stateless (`-s`): installing netbase (/etc/services, /etc/protocols) or
  /// traffic through counters does not change it. Exit status: nft's
  /// (non-zero leaves the old table in place), or sha256sum's. No output.
  public static func firewallLoad() -> String {
    "nft -f \(q(Firewall.path)) && nft -n -s list table inet bulwark | sha256sum > \(q(Firewall.loadedDigest))"
  }

  /// At boot (`bulwark-firewall.service`): loads the rules unless exactly these are loaded already (a
  /// second load of the same table during an apply would only disturb connection tracking). Exit
  /// status: 0 when the table is in place. No output. It must hold no `'`, `$` or `%`: the unit
  /// carries it single-quoted on its `ExecStart=` line, where systemd expands the latter two.
  public static func firewallLoadAtBoot() -> String {
    "\(firewallUnchanged()) || { \(firewallLoad()); }"
  }

  /// Exit 0 while the loaded `inet bulwark` table is still exactly what Bulwark loaded (a flushed chain
  /// or a rule added by hand no longer matches), 1 otherwise or when there is no table. No output.
  public static func firewallUnchanged() -> String {
    "nft -n -s list table inet bulwark 2>/dev/null | sha256sum | cmp -s - \(q(Firewall.loadedDigest))"
  }

  /// The firewall step's live check: exit 0 when the loaded table carries `marker` (the rendered
  /// rules) and has not been changed since it was loaded. No output.
  public static func firewallInEffect(marker: String) -> String {
    "nft list table inet bulwark | grep -qF \(q(marker)) && \(firewallUnchanged())"
  }

  static func q(_ word: String) -> String { ShellQuoting.quote(word) }
  static func words(_ list: [String]) -> String { list.map(q).joined(separator: " ") }
  static func octal(_ mode: UInt32) -> String { String(mode, radix: 8) }
}
