import Inventory

/// Domain step kinds. Their plans have the real shape (per-host fan-out, member order, gates), and
/// each is described precisely; the etcd, PKI, control-plane and hardening modules give them their
/// check and apply. Until then they plan as `pending` and the executor refuses to run them.
enum DomainKinds {
  static let all: [any StepKind] = [
    DescribedKind("etcd.binary", .create) { c in
      "etcd \(c.inventory.versions.etcd) binaries from the artifact cache (sha256-checked)"
    },
    DescribedKind("etcd.certs", .create) { c in
      "etcd server and peer certificates for \(c.host.name) (SANs: \(c.host.name), \(c.host.address), localhost)"
    },
    DescribedKind("etcd.unit", .create) { c in
      "etcd systemd unit: client and peer TLS with client-cert auth, metrics on 127.0.0.1"
    },
    DescribedKind("etcd.member", .run) { c in
      "start etcd on \(c.host.name) as member \(c.position + 1) of the initial cluster of \(c.hostsInOrder.count)"
    },
    // A gate after each host of a quorum-safe phase, or once (from the first host) in a parallel one.
    DescribedKind("etcd.health-gate", .check, parameters: [.string("when", default: "always"), .string("timeout", default: "120")],
      // Without facts the hosts are taken as fresh: no member joins or leaves; upgrades are shown.
      applies: { ["always", "upgrading"].contains($0.params.string("when")) && ($0.phase.ordering == .quorumSafe || $0.position == 0) }) { c in
      let n = c.hostsInOrder.count
      return "health gate: all \(n) members healthy (quorum \(n / 2 + 1)), revision advancing"
    },
    DescribedKind("etcd.join", .run, applies: { _ in false }) { c in
      "add \(c.host.name) to the running cluster (member add, then start with --initial-cluster-state=existing)"
    },
    DescribedKind("etcd.remove", .delete, applies: { _ in false }) { _ in
      "remove members the inventory no longer lists, keeping quorum"
    },
    DescribedKind("etcd.restore", .run, applies: { _ in false }) { _ in "restore a snapshot" },
    DescribedKind("etcd.restart", .update, applies: { _ in false }) { _ in "restart a member whose running flags are not its unit's" },
    DescribedKind("etcd.snapshot", .run, parameters: [.string("when", default: "changes")], firstHostOnly: true,
      applies: { $0.params.string("when") != "membership" }) { c in
      "snapshot etcd from \(c.host.name) into the state dir before any membership or binary change"
    },
    DescribedKind("etcd.upgrade-member", .update) { c in
      "upgrade etcd on \(c.host.name) to \(c.inventory.versions.etcd): stop, swap binary, start, wait healthy"
    },
    DescribedKind("node.kernel-modules", .create) { _ in "kernel modules overlay and br_netfilter, now and at boot" },
    DescribedKind("node.kernel-parameters", .update) { _ in "kernel parameters SY1-SY3 (forwarding, bridged traffic, kubelet tunables)" },
    DescribedKind("node.swap-off", .run) { _ in "swap off, now and at boot" },
    DescribedKind("container-runtime", .create) { c in
      "containerd \(c.inventory.versions.containerd?.description ?? "") with SystemdCgroup = true and a pinned sandbox image"
    },
    DescribedKind("kubernetes.binaries", .create) { c in
      "kubeadm, kubelet and kubectl \(c.inventory.versions.kubernetes?.description ?? "") (sha256-checked)"
    },
    DescribedKind("api-endpoint", .create, applies: isEndpointCarrier) { c in
      endpointSummary(c)
    },
    DescribedKind("kubeadm.control-plane", .run) { c in
      c.position == 0
        ? "kubeadm init on \(c.host.name) (external etcd, controlPlaneEndpoint \(endpointAddress(c)))"
        : "kubeadm join \(c.host.name) as control plane \(c.position + 1) of \(c.hostsInOrder.count) (certificate upload)"
    },
    DescribedKind("kubernetes.apiserver-gate", .check) { c in
      "gate: kube-apiserver on \(c.host.name) answers /readyz before the next control plane"
    },
    DescribedKind("kubeadm.join-worker", .run, applies: { !$0.host.has(.controlPlane) }) { c in
      "kubeadm join \(c.host.name) as a worker"
    },
    DescribedKind("kubernetes.cluster-addons", .run, firstHostOnly: true) { _ in
      "admin kubeconfig to the state dir, the CNI from the artifact cache, default-deny NetworkPolicies"
    },
    DescribedKind("kubernetes.remove-nodes", .delete, applies: { _ in false }) { _ in
      "drain and delete nodes the inventory no longer lists"
    },
    DescribedKind("kubeadm.upgrade-control-plane", .update) { c in
      "kubeadm upgrade \(c.position == 0 ? "apply" : "node") on \(c.host.name) to \(c.inventory.versions.kubernetes?.description ?? "")"
    },
    DescribedKind("kubelet.upgrade", .update) { c in
      "drain \(c.host.name), upgrade kubelet to \(c.inventory.versions.kubernetes?.description ?? ""), uncordon"
    },
    DescribedKind("hardening.sshd", .update) { _ in "sshd_config: modern algorithms only (H1-H27), validated with sshd -t" },
    DescribedKind("hardening.sysctl", .update) { c in
      let node = c.host.has(.controlPlane) || c.host.has(.worker)
      return "kernel parameters SY1-SY18 (forwarding \(node ? "on" : "off") for this role)"
    },
    DescribedKind("hardening.files", .update) { _ in "file modes and owners (F and E items)" },
    DescribedKind("hardening.firewall", .update) { c in
      "nftables table bulwark: inbound dropped by default, ports for \(c.host.roles.map(\.rawValue).joined(separator: ", ")) open to their peers only"
    },
    DescribedKind("drift.compare", .check) { c in
      "compare \(c.host.name)'s files, units and settings with the desired configuration"
    },
  ]

  static func endpointAddress(_ c: ExpansionContext) -> String {
    c.inventory.apiEndpointAddress
  }

  /// The endpoint entry that serves this host's site (a site endpoint first, then the main one).
  static func endpoint(for host: ClusterHost, in inv: Inventory) -> APIEndpoint? {
    inv.endpoint(for: host)
  }

  static func isEndpointCarrier(_ c: ExpansionContext) -> Bool {
    guard let e = endpoint(for: c.host, in: c.inventory) else { return false }
    switch e.mode {
    case .vip:
      return c.host.has(e.carrierRole(lbHostsExist: !c.topology.lbHosts.isEmpty))
    case .localProxy: return c.host.has(.worker) && !c.host.has(.controlPlane)
    case .loadBalancer: return c.host.has(.controlPlane)
    }
  }

  static func endpointSummary(_ c: ExpansionContext) -> String {
    let e = endpoint(for: c.host, in: c.inventory)!
    let backends = c.topology.controlPlanes.map(\.name).joined(separator: ", ")
    switch e.mode {
    case .vip: return "keepalived VIP \(e.address!) + haproxy :\(e.port) to \(backends), checking /readyz"
    case .localProxy: return "haproxy on 127.0.0.1:\(e.port) to \(backends)"
    case .loadBalancer: return "check that load balancer \(e.address!):\(e.port) forwards to this apiserver"
    }
  }
}

struct DescribedKind: StepKind {
  let name: String
  let parameters: [ParameterSpec]
  let action: Action
  let firstHostOnly: Bool
  let applies: @Sendable (ExpansionContext) -> Bool
  let describe: @Sendable (ExpansionContext) -> String

  init(
    _ name: String, _ action: Action, parameters: [ParameterSpec] = [], firstHostOnly: Bool = false,
    applies: @escaping @Sendable (ExpansionContext) -> Bool = { _ in true },
    _ describe: @escaping @Sendable (ExpansionContext) -> String
  ) {
    self.name = name
    self.action = action
    self.parameters = parameters
    self.firstHostOnly = firstHostOnly
    self.applies = applies
    self.describe = describe
  }

  func expand(_ c: ExpansionContext) -> [StepDraft] {
    if firstHostOnly && c.position != 0 || !applies(c) { return [] }
    let local = name.split(separator: ".").last.map(String.init) ?? name
    let text = describe(c)
    return [StepDraft(local, text, action: action, .pending(description: text))]
  }
}

/// Every kind a playbook may name.
public enum StepKinds {
  public static let builtIn: [String: any StepKind] = Dictionary(
    uniqueKeysWithValues: (GenericKinds.all + DomainKinds.all).map { ($0.name, $0) })
}
