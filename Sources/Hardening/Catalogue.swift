import Inventory
import Support

/// What a check expects of one fact.
public enum Expectation: Sendable, Equatable {
  /// The value, ignoring case (sshd -T prints most values in lower case, some not).
  case equals(String)
  /// A number no greater than this.
  case atMost(Int)
  /// A comma-separated list with no element outside these.
  case subsetOf([String])
  /// A space-separated list holding each of these words (sshd -T prints PerSourcePenalties as
  /// `crash:90 authfail:5 ... overflow:permissive`, the ones not set at their defaults).
  case includes([String])
  /// A file mode with no bit outside this one (kube-bench's "bitmask": 600 or stricter).
  case modeAtMost(UInt32)
  /// A file owner, `user:group`.
  case owner(String)

  public var text: String {
    switch self {
    case .equals(let v): v
    case .atMost(let n): "≤ \(n)"
    case .subsetOf(let list): "only \(list.joined(separator: ","))"
    case .includes(let words): "with \(words.joined(separator: " "))"
    case .modeAtMost(let m): String(m, radix: 8) + " or stricter"
    case .owner(let o): o
    }
  }

  func accepts(_ value: String) -> Bool {
    switch self {
    case .equals(let v): return value.lowercased() == v.lowercased()
    case .atMost(let n): return Int(value).map { $0 <= n } ?? false
    case .subsetOf(let allowed): return value.split(separator: ",").allSatisfy { allowed.contains(String($0)) }
    case .includes(let words):
      let have = Set(value.split(separator: " ").map { $0.lowercased() })
      return words.allSatisfy { have.contains($0.lowercased()) }
    case .modeAtMost(let m): return UInt32(value, radix: 8).map { $0 & ~m == 0 } ?? false
    case .owner(let o): return value == o
    }
  }
}

/// How `harden` makes a check pass; audit and remediation come from the same entry.
public enum Remedy: Sendable, Equatable {
  /// A line in Bulwark's sshd drop-in.
  case sshd(directive: String, value: String)
  /// A kernel parameter in Bulwark's sysctl file.
  case sysctl(key: String, value: String)
  /// chmod/chown of one file, when it exists (the path is quoted: no glob is expanded).
  case fileMode(path: String, mode: UInt32?, owner: String?)
  /// Drop the weak moduli from /etc/ssh/moduli.
  case moduli
  /// Bulwark's nftables table.
  case firewall
  /// Set by the etcd unit Bulwark renders (the etcd playbook fixes it).
  case etcdUnit
  /// A unit masked (`systemctl mask --now`), so nothing starts it, at boot or as a dependency.
  case unitMasked(name: String)
}

/// One entry of the catalogue: an audit (a fact and the value it must have) and its remedy.
public struct Check: Sendable {
  public var id: String
  /// The CIS identifier where there is one: `2.2` (Kubernetes 1.12), `U24 5.1.20` (Ubuntu 24.04).
  public var cis: String?
  public var title: String
  public var roles: RoleScope
  /// The fact key: `sshd.permitrootlogin`, `sysctl.net.ipv4.tcp_syncookies`, `stat./etc/ssh/sshd_config.mode`.
  public var fact: String
  public var expect: Expectation
  public var remedy: Remedy
  /// The oldest OpenSSH whose sshd knows this check's keyword; nil: every supported one. A host
  /// with an older (or unknown) sshd neither gets the keyword nor is audited for it
  /// (`Check.applies(toOpenSSH:)`).
  public var sinceOpenSSH: OpenSSHVersion? = nil
}

/// Which hosts a check applies to.
public enum RoleScope: Sendable, Equatable {
  case all
  case etcd
  /// Control planes and workers: hosts that run a kubelet.
  case kubernetesNode
  /// Hosts that are not Kubernetes nodes (etcd-only, lb-only).
  case notKubernetesNode

  public func covers(_ host: ClusterHost) -> Bool {
    let node = host.has(.controlPlane) || host.has(.worker)
    switch self {
    case .all: return true
    case .etcd: return host.has(.etcd)
    case .kubernetesNode: return node
    case .notKubernetesNode: return !node
    }
  }
}

/// The host-level catalogue (docs/hardening.md, "The catalogue", which `bulwark checks` prints):
/// what can be audited and fixed on any Linux host, etcd-only ones included. Kubernetes component
/// items (A, C, S, K, P) belong with the rendered kubeadm configuration and are not in this list yet
/// (docs/hardening.md, "Kubernetes components").
public enum Catalogue {
  /// The hardened sshd's algorithms, from `SSHAlgorithms.hardenedServer` (Support), built beside
  /// the lists Bulwark's libssh2 client offers so that hardening never locks it out.
  public static let ciphers = SSHAlgorithms.hardenedServer.ciphers
  public static let macs = SSHAlgorithms.hardenedServer.macs
  public static let kex = SSHAlgorithms.hardenedServer.kex
  public static let hostKeyAlgorithms = SSHAlgorithms.hardenedServer.hostKeys

  static func sshd(
    _ id: String, _ cis: String?, _ title: String, _ directive: String, _ value: String, _ expect: Expectation? = nil,
    since: OpenSSHVersion? = nil
  ) -> Check {
    Check(id: id, cis: cis, title: title, roles: .all, fact: "sshd.\(directive.lowercased())",
      expect: expect ?? .equals(value.lowercased()), remedy: .sshd(directive: directive, value: value), sinceOpenSSH: since)
  }

  /// H28's penalties, in seconds, as sshd -T prints them back (no `s`): a source that fails to log
  /// in, or leaves before it does, is refused for a while once its penalties pass `min`. OpenSSH's
  /// defaults are crash:90 authfail:5 noauth:1 grace-exceeded:10 max:600 min:15 (as Debian 13's
  /// sshd 10.0p2 prints them; the keyword came with https://www.openssh.com/txt/release-9.8).
  /// Bulwark doubles what a failed, unauthenticated or slow client costs, and writes every value so
  /// a foreign setting cannot loosen them unseen.
  public static let perSourcePenalties = ["crash:90", "authfail:10", "noauth:2", "grace-exceeded:20", "max:600", "min:15"]

  static func list(_ id: String, _ cis: String?, _ title: String, _ directive: String, _ values: [String]) -> Check {
    sshd(id, cis, title, directive, values.joined(separator: ","), .subsetOf(values))
  }

  static func sysctl(_ id: String, _ cis: String?, _ key: String, _ value: String, _ roles: RoleScope = .all) -> Check {
    Check(id: id, cis: cis, title: "\(key) = \(value)", roles: roles, fact: "sysctl.\(key)", expect: .equals(value),
      remedy: .sysctl(key: key, value: value))
  }

  static func mode(_ id: String, _ cis: String?, _ title: String, _ path: String, _ mode: UInt32, _ roles: RoleScope = .all) -> Check {
    Check(id: id, cis: cis, title: title, roles: roles, fact: "stat.\(path).mode", expect: .modeAtMost(mode),
      remedy: .fileMode(path: path, mode: mode, owner: nil))
  }

  static func owner(_ id: String, _ cis: String?, _ title: String, _ path: String, _ owner: String, _ roles: RoleScope = .all) -> Check {
    Check(id: id, cis: cis, title: title, roles: roles, fact: "stat.\(path).owner", expect: .owner(owner),
      remedy: .fileMode(path: path, mode: nil, owner: owner))
  }

  static func etcdFlag(_ id: String, _ cis: String?, _ flag: String, _ value: String) -> Check {
    Check(id: id, cis: cis, title: "etcd --\(flag)=\(value)", roles: .etcd, fact: "etcd.\(flag)", expect: .equals(value),
      remedy: .etcdUnit)
  }

  public static let all: [Check] = sshdChecks + sysctlChecks + fileChecks + etcdChecks + unitChecks + [
    Check(id: "FW1", cis: "U24 4.2", title: "host firewall: Bulwark's nftables table, inbound dropped by default",
      roles: .all, fact: "nft.bulwark", expect: .equals("the rule set Bulwark renders"), remedy: .firewall),
    // The table must come back after a reboot: its unit is enabled (checked at boot, not only loaded now).
    Check(id: "FW2", cis: nil, title: "bulwark-firewall.service enabled: the table is loaded at every boot",
      roles: .all, fact: "unit.bulwark-firewall.service", expect: .equals("enabled"), remedy: .firewall),
  ]

  static let sshdChecks: [Check] = [
    mode("H1", "U24 5.1.1", "/etc/ssh/sshd_config 600", "/etc/ssh/sshd_config", 0o600),
    owner("H1", "U24 5.1.1", "/etc/ssh/sshd_config root:root", "/etc/ssh/sshd_config", "root:root"),
    mode("H2", "U24 5.1.2", "private host keys 600", "/etc/ssh/ssh_host_ed25519_key", 0o600),
    mode("H3", "U24 5.1.3", "public host keys 644", "/etc/ssh/ssh_host_ed25519_key.pub", 0o644),
    list("H6", "U24 5.1.6", "ciphers: AES-GCM and AES-CTR only (no CBC, no ChaCha20 after Terrapin)", "Ciphers", ciphers),
    sshd("H7", "U24 5.1.7", "ClientAliveInterval 300", "ClientAliveInterval", "300"),
    sshd("H7", "U24 5.1.7", "ClientAliveCountMax 3", "ClientAliveCountMax", "3"),
    sshd("H8", "U24 5.1.8", "DisableForwarding yes", "DisableForwarding", "yes"),
    sshd("H9", "U24 5.1.9", "GSSAPIAuthentication no", "GSSAPIAuthentication", "no"),
    sshd("H10", "U24 5.1.10", "HostbasedAuthentication no", "HostbasedAuthentication", "no"),
    sshd("H11", "U24 5.1.11", "IgnoreRhosts yes", "IgnoreRhosts", "yes"),
    list("H12", "U24 5.1.12", "key exchange: sntrup761 and curve25519 only (no finite-field DH, no NIST curves)", "KexAlgorithms", kex),
    sshd("H13", "U24 5.1.13", "LoginGraceTime 30", "LoginGraceTime", "30", .atMost(60)),
    sshd("H14", "U24 5.1.14", "LogLevel VERBOSE", "LogLevel", "VERBOSE"),
    list("H15", "U24 5.1.15", "MACs: SHA-2 only", "MACs", macs),
    sshd("H16", "U24 5.1.16", "MaxAuthTries 3", "MaxAuthTries", "3", .atMost(4)),
    sshd("H17", "U24 5.1.17", "MaxSessions 10", "MaxSessions", "10", .atMost(10)),
    sshd("H18", "U24 5.1.18", "MaxStartups 10:30:60", "MaxStartups", "10:30:60"),
    sshd("H19", "U24 5.1.19", "PermitEmptyPasswords no", "PermitEmptyPasswords", "no"),
    sshd("H20", "U24 5.1.20", "PermitRootLogin no", "PermitRootLogin", "no"),
    sshd("H21", "U24 5.1.21", "PermitUserEnvironment no", "PermitUserEnvironment", "no"),
    sshd("H22", "U24 5.1.22", "UsePAM yes", "UsePAM", "yes"),
    sshd("H23", nil, "PasswordAuthentication no", "PasswordAuthentication", "no"),
    sshd("H23", nil, "KbdInteractiveAuthentication no", "KbdInteractiveAuthentication", "no"),
    sshd("H23", nil, "PubkeyAuthentication yes", "PubkeyAuthentication", "yes"),
    sshd("H24", nil, "StrictModes yes", "StrictModes", "yes"),
    sshd("H24", nil, "Compression no", "Compression", "no"),
    sshd("H24", nil, "TCPKeepAlive no", "TCPKeepAlive", "no"),
    list("H24", nil, "host keys: ed25519 only (no NIST curves, no SHA-1 RSA)", "HostKeyAlgorithms", hostKeyAlgorithms),
    Check(id: "H25", cis: nil, title: "/etc/ssh/moduli has no group under 2048 bits", roles: .all, fact: "moduli.weak",
      expect: .equals("0"), remedy: .moduli),
    sshd("H28", nil, "PerSourcePenalties \(perSourcePenalties.joined(separator: " "))", "PerSourcePenalties",
      perSourcePenalties.joined(separator: " "), .includes(perSourcePenalties), since: .perSourcePenalties),
  ]

  static let sysctlChecks: [Check] = [
    sysctl("SY1", nil, "net.ipv4.ip_forward", "1", .kubernetesNode),
    sysctl("SY4", "U24 3.3.2", "net.ipv4.conf.all.send_redirects", "0"),
    sysctl("SY4", "U24 3.3.2", "net.ipv4.conf.default.send_redirects", "0"),
    sysctl("SY5", "U24 3.3.3", "net.ipv4.icmp_ignore_bogus_error_responses", "1"),
    sysctl("SY6", "U24 3.3.4", "net.ipv4.icmp_echo_ignore_broadcasts", "1"),
    sysctl("SY7", "U24 3.3.5", "net.ipv4.conf.all.accept_redirects", "0"),
    sysctl("SY7", "U24 3.3.5", "net.ipv4.conf.default.accept_redirects", "0"),
    sysctl("SY7", "U24 3.3.5", "net.ipv6.conf.all.accept_redirects", "0"),
    sysctl("SY7", "U24 3.3.5", "net.ipv6.conf.default.accept_redirects", "0"),
    sysctl("SY8", "U24 3.3.6", "net.ipv4.conf.all.secure_redirects", "0"),
    sysctl("SY8", "U24 3.3.6", "net.ipv4.conf.default.secure_redirects", "0"),
    sysctl("SY9", "U24 3.3.7", "net.ipv4.conf.all.rp_filter", "1", .notKubernetesNode),
    sysctl("SY9", "U24 3.3.7", "net.ipv4.conf.default.rp_filter", "1", .notKubernetesNode),
    sysctl("SY10", "U24 3.3.8", "net.ipv4.conf.all.accept_source_route", "0"),
    sysctl("SY10", "U24 3.3.8", "net.ipv4.conf.default.accept_source_route", "0"),
    sysctl("SY10", "U24 3.3.8", "net.ipv6.conf.all.accept_source_route", "0"),
    sysctl("SY11", "U24 3.3.9", "net.ipv4.conf.all.log_martians", "1"),
    sysctl("SY11", "U24 3.3.9", "net.ipv4.conf.default.log_martians", "1"),
    sysctl("SY12", "U24 3.3.10", "net.ipv4.tcp_syncookies", "1"),
    sysctl("SY13", "U24 3.3.11", "net.ipv6.conf.all.accept_ra", "0"),
    sysctl("SY13", "U24 3.3.11", "net.ipv6.conf.default.accept_ra", "0"),
    sysctl("SY14", "U24 3.3.1", "net.ipv4.ip_forward", "0", .notKubernetesNode),
    sysctl("SY15", "U24 1.5.1", "kernel.randomize_va_space", "2"),
    sysctl("SY16", "U24 1.5.2", "kernel.yama.ptrace_scope", "2"),
    sysctl("SY17", "U24 1.5.3", "fs.suid_dumpable", "0"),
    sysctl("SY18", nil, "fs.protected_hardlinks", "1"),
    sysctl("SY18", nil, "fs.protected_symlinks", "1"),
    sysctl("SY18", nil, "kernel.kptr_restrict", "2"),
    sysctl("SY18", nil, "kernel.dmesg_restrict", "1"),
    sysctl("SY18", nil, "kernel.sysrq", "0"),
    sysctl("SY18", nil, "net.ipv4.tcp_rfc1337", "1"),
  ]

  static let fileChecks: [Check] = [
    mode("E8", "1.1.11", "etcd data dir 700", EtcdPaths.dataDirectory, 0o700, .etcd),
    owner("E9", "1.1.12", "etcd data dir etcd:etcd", EtcdPaths.dataDirectory, "etcd:etcd", .etcd),
    mode("E10", "1.1.7", "etcd unit 600", EtcdPaths.unitPath, 0o600, .etcd),
    owner("E10", "1.1.8", "etcd unit root:root", EtcdPaths.unitPath, "root:root", .etcd),
    mode("E13", nil, "etcd server key 600", EtcdPaths.serverKey, 0o600, .etcd),
    mode("E13", nil, "etcd peer key 600", EtcdPaths.peerKey, 0o600, .etcd),
    mode("E13", nil, "etcd CA certificate 644", EtcdPaths.caCertificate, 0o644, .etcd),
  ]

  /// Units hardening masks. debug-shell.service is a root shell on tty9 with no authentication;
  /// masking it keeps a dependency or `systemd.debug_shell` from starting it (DISA STIG
  /// RHEL-08-040180 and RHEL-09-211055; the unit: systemd units/debug-shell.service.in).
  static let unitChecks: [Check] = [
    Check(id: "U1", cis: nil, title: "debug-shell.service masked: no unauthenticated root shell on tty9", roles: .all,
      fact: "unit.debug-shell.service", expect: .equals("masked"), remedy: .unitMasked(name: "debug-shell.service")),
  ]

  static let etcdChecks: [Check] = [
    Check(id: "E1", cis: "2.1", title: "etcd --cert-file set", roles: .etcd, fact: "etcd.cert-file",
      expect: .equals(EtcdPaths.serverCertificate), remedy: .etcdUnit),
    Check(id: "E1", cis: "2.1", title: "etcd --key-file set", roles: .etcd, fact: "etcd.key-file",
      expect: .equals(EtcdPaths.serverKey), remedy: .etcdUnit),
    etcdFlag("E2", "2.2", "client-cert-auth", "true"),
    etcdFlag("E3", "2.3", "auto-tls", "false"),
    Check(id: "E4", cis: "2.4", title: "etcd --peer-cert-file set", roles: .etcd, fact: "etcd.peer-cert-file",
      expect: .equals(EtcdPaths.peerCertificate), remedy: .etcdUnit),
    etcdFlag("E5", "2.5", "peer-client-cert-auth", "true"),
    etcdFlag("E6", "2.6", "peer-auto-tls", "false"),
    Check(id: "E7", cis: "2.7", title: "etcd --trusted-ca-file is the etcd-only CA", roles: .etcd, fact: "etcd.trusted-ca-file",
      expect: .equals(EtcdPaths.caCertificate), remedy: .etcdUnit),
    etcdFlag("E11", nil, "listen-metrics-urls", "http://127.0.0.1:2381"),
    etcdFlag("E12", nil, "enable-pprof", "false"),
  ]
}
