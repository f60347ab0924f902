// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
]

// Linux only (libssh2 sessions tuned with TCP_QUICKACK, Glibc, systemd-nspawn in the lab), so no Apple
// platform is declared: SwiftPM has no platform entry for Linux.
let package = Package(
  name: "Bulwark",
    products: [
    .executable(name: "bulwark", targets: ["bulwark"]),
    // For bench/fanout, which measures the SSH executor on its own.
    .library(name: "BulwarkSSH", targets: ["SSH", "Remote"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    // Already a dependency of swift-certificates; named because PKI imports it.
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
  ],
  targets: [
    /** libyaml's event API, for a linear safety pre-pass before Yams composes a document. */
    .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    /** libssh2, as a system library (apt libssh2-1-dev). Only the SSH module imports it. */
    .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
    /** Findings (rule, level, message, place) and their SARIF 2.1.0 and JUnit forms; the one XML escaper. */
    .target(name: "Findings", swiftSettings: strict),
    /** Diagnostics, the step DAG, redaction and argv quoting: shared by every module. */
    .target(name: "Support", swiftSettings: strict),
    /** glibc's <malloc.h> (mallopt), for the executable's allocator set-up only. */
    .systemLibrary(name: "CMalloc"),
    /** SQLite's C API (Debian's libsqlite3), for the run journal only. */
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    /** The HTML report: topology picture, last plan, audit, drift. Pure rendering. */
    .target(name: "Report", dependencies: ["Inventory", "Planning", "Hardening", "Drift", "Findings", "NetworkPolicy"], swiftSettings: strict),
    /** The run journal and the cluster lock in the state dir; C types stay inside. */
    .target(name: "Journal", dependencies: ["CSQLite", "Support"], swiftSettings: strict),
    /** Hostile-input-safe YAML loading with source positions, and a field reader that collects every problem. */
    .target(name: "SafeYAML", dependencies: ["Support", "CLibYAML", "Yams"], swiftSettings: strict),
    /** The inventory model, its YAML decoding and its validation rules. */
    .target(name: "Inventory", dependencies: ["Support", "SafeYAML", "KnownHosts", "Advisories", "Yams"], swiftSettings: strict),
    /** known_hosts parsing and lookup, hashed entries included. */
    .target(name: "KnownHosts", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
    /** The seam to hosts: Transport, RemoteHost, RemoteCommand, CommandResult. No C, no sockets. */
    .target(name: "Remote", dependencies: ["Support", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
    /** A Transport that runs commands on this machine (tests, and the controller's own host). */
    .target(name: "LocalExec", dependencies: ["Remote", "Support"], swiftSettings: strict),
    /** The libssh2 implementation of Remote: verified connections, exec, uploads, sudo, bastions. */
    .target(name: "SSH", dependencies: [
      "CLibSSH2", "Remote", "Support", "KnownHosts", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** The cluster's certificate authorities and leaf certificates, kept in the local state dir. */
    .target(name: "PKI", dependencies: [
      "Support", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
      .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** Playbooks, step kinds, the planner, the plan and its rendering. Pure: never touches a host. */
    .target(name: "Planning", dependencies: [
      "Support", "SafeYAML", "Inventory", "Remote", "Yams", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** The runtime of the generic operations: a planned step made executable (check, apply, re-check),
        the one-round-trip probe batch, and observation of planned steps against probe output. */
    .target(name: "Steps", dependencies: [
      "Support", "Planning", "Remote", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** etcd: members' layout, unit flags, certificates, artifacts, and the step kinds that build a cluster. */
    .target(name: "Etcd", dependencies: [
      "Support", "Inventory", "PKI", "Planning", "Remote", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** Hardening: the check catalogue, the one-round-trip host probe, audits, and the harden kinds. */
    .target(name: "Hardening", dependencies: [
      "Support", "Findings", "Inventory", "Planning", "Remote", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** The Kubernetes layer: rendered kubeadm, kubelet, endpoint and policy files, its step kinds, facts and state-dir secrets. */
    .target(name: "Kubernetes", dependencies: [
      "Support", "Inventory", "Etcd", "PKI", "Planning", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** Drift: the desired state against the live hosts, one batched probe per host, pure comparisons. */
    .target(name: "Drift", dependencies: [
      "Support", "Findings", "Inventory", "Planning", "Steps", "Hardening", "Etcd", .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    /** Walks a plan's DAG over the Remote seam: bounded concurrency, verify-after-apply, root-cause skipping. */
    .target(name: "Execution", dependencies: [
      "Support", "Planning", "Steps", "Remote", .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: strict),
    /** Orchestration: what plan, apply, upgrade, audit, drift and the etcd workflows do, as library calls.
        Loads and connects, gathers facts and domain inputs, composes the one kind registry, plans,
        observes, holds the lock and the journal, runs the executor. Returns values and typed errors;
        reports through notices and a delegate; never prints or exits. */
    .target(name: "Orchestration", dependencies: [
      "Support", "Inventory", "Planning", "Steps", "Execution", "Remote", "SSH", "PKI", "Etcd", "Hardening", "Drift",
      "Kubernetes", "Journal", "Advisories", "Findings", .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: strict),
    /** Network policies as data: Kubernetes manifests in, every allowed connection, diffs, explanations,
        exposure findings and recommended policies out. Pure: no SSH, no cluster. */
    .target(name: "NetworkPolicy", dependencies: ["Support", "SafeYAML", "Findings", "Yams"], swiftSettings: strict),
    /** Known-vulnerability data (shipped as a reviewed data file), version orderings (upstream and
        Debian's), matching, policy with waivers, upgrade advice, and importers for the Kubernetes CVE
        feed, OSV and Bulwark's own format. Pure. */
    .target(name: "Advisories", dependencies: ["Support", "SafeYAML", "Findings", "Yams"],
      resources: [.copy("Resources/advisories.json")], swiftSettings: strict),
    /** The command tree: options, printing, progress rendering, the exit-code map and the logging bootstrap. */
    .target(name: "BulwarkCLI", dependencies: [
      "Orchestration", "Support", "Inventory", "Planning", "Steps", "Execution", "Remote", "SSH", "PKI", "Etcd", "Hardening", "Drift", "Kubernetes", "Journal", "Report", "Findings", "NetworkPolicy", "Advisories", "LocalExec",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
      .product(name: "Logging", package: "swift-log"),
    ], resources: [.copy("Resources/lab.sh")], swiftSettings: strict),
    .executableTarget(name: "bulwark", dependencies: ["BulwarkCLI", "CMalloc"], swiftSettings: strict),
    /** The one kind registry with fixed inputs, for plan goldens of what users get. Tests only. */
    .target(name: "PlanFixtures", dependencies: ["Orchestration", "Etcd", "Hardening", "Kubernetes", "PKI", "Planning", "Inventory"],
      swiftSettings: strict),
    /** Fakes and golden-file helpers for tests. */
    .target(name: "TestSupport", dependencies: ["Remote", "Support"], swiftSettings: strict),

    .testTarget(name: "NetworkPolicyTests", dependencies: ["NetworkPolicy", "Support", "TestSupport"], exclude: ["Goldens", "Fixtures"]),
    .testTarget(name: "AdvisoriesTests", dependencies: ["Advisories", "BulwarkCLI", "Findings", "Support"]),
    .testTarget(name: "SupportTests", dependencies: ["Support", "KnownHosts"]),
    .testTarget(name: "InventoryTests", dependencies: ["Inventory", "SafeYAML", "KnownHosts", "Advisories", "TestSupport"]),
    .testTarget(name: "PlanningTests", dependencies: ["Planning", "Inventory", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: [
      "BulwarkCLI", "Planning", "TestSupport", "PlanFixtures", "Inventory", "Etcd", "Orchestration", "Advisories", "Findings",
      "Drift", "Hardening", "Kubernetes", "LocalExec", "Remote",
    ], exclude: ["Goldens", "Fixtures"]),
    .testTarget(name: "PKITests", dependencies: ["PKI"]),
    .testTarget(name: "JournalTests", dependencies: ["Journal"]),
    .testTarget(name: "ReportTests", dependencies: ["Report", "PlanFixtures", "Inventory", "Planning", "Hardening", "Drift", "NetworkPolicy", "TestSupport"]),
    .testTarget(name: "EtcdTests", dependencies: ["Etcd", "PlanFixtures", "Inventory", "PKI", "Planning", "TestSupport"], exclude: ["Goldens"]),
    .testTarget(name: "HardeningTests", dependencies: ["Hardening", "Inventory", "TestSupport"], exclude: ["Goldens"]),
    .testTarget(name: "KubernetesTests", dependencies: ["Kubernetes", "PlanFixtures", "Inventory", "Planning", "TestSupport", "Yams"], exclude: ["Goldens"]),
    .testTarget(name: "DriftTests", dependencies: ["Drift", "Hardening", "Inventory", "Planning", "Steps", "Support"]),
    .testTarget(name: "SSHTests", dependencies: ["SSH", "Remote", "Support", "TestSupport", "KnownHosts", .product(name: "Crypto", package: "swift-crypto")],
      exclude: ["Goldens"]),
    .testTarget(name: "ExecutionTests", dependencies: ["Execution", "Planning", "Steps", "LocalExec", "TestSupport",
      .product(name: "Logging", package: "swift-log")]),
  ],
  swiftLanguageModes: [.v6]
)
