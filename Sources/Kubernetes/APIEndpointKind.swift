import Inventory
import Planning

/// The API endpoint on the hosts that run it: haproxy on VIP carriers and (local proxy) on workers,
/// keepalived on VIP carriers. A load balancer's endpoint installs nothing; its gate checks it.
extension KubernetesKinds {
  static func apiEndpoint(_ c: ExpansionContext, _ i: KubernetesInputs) -> [StepDraft] {
    let inv = c.inventory
    guard let e = inv.endpoint(for: c.host) else { return [] }
    // Only a host of a role that can carry the VIP (the endpoint's `carriers`, else lb or control
    // plane) asks for the carrier list, which scans the fleet: the plan stays linear in the hosts.
    let mayCarry = e.carriers.map(c.host.has) ?? (c.host.has(.lb) || c.host.has(.controlPlane))
    let carriesVIP = e.mode == .vip && mayCarry && APIEndpointConfig.vipCarriers(inv).contains { $0.name == c.host.name }
    // With a local proxy a control plane reaches its own apiserver on 127.0.0.1:6443; workers get haproxy there.
    let runsProxy = carriesVIP || (e.mode == .localProxy && c.host.has(.worker) && !c.host.has(.controlPlane))
    guard runsProxy else { return [] }
    var drafts: [StepDraft] = []
    if carriesVIP {
      drafts.append(StepDraft("nonlocal-bind", "net.ipv4.ip_nonlocal_bind = 1: haproxy binds the VIP on a backup carrier too",
        action: .update, .sysctl(settings: ["net.ipv4.ip_nonlocal_bind": "1"], file: "/etc/sysctl.d/90-bulwark-endpoint.conf")))
    }
    let backends = inv.hosts(with: .controlPlane).map(\.name).joined(separator: ", ")
    drafts += [
      StepDraft("haproxy-config", "\(APIEndpointConfig.haproxyConfigPath): :\(e.port) to \(backends), checking /readyz", action: .create,
        .file(path: APIEndpointConfig.haproxyConfigPath, content: APIEndpointConfig.haproxy(inv, for: c.host), mode: 0o644,
          owner: "root", group: "root")),
      ServiceReload.draft("haproxy", files: [APIEndpointConfig.haproxyConfigPath],
        validate: KubernetesScripts.haproxyConfigValid(path: APIEndpointConfig.haproxyConfigPath)),
    ]
    if carriesVIP {
      let conf = i.files["keepalived/\(c.host.name).conf"]
      drafts += [
        StepDraft("keepalived-config", "\(APIEndpointConfig.keepalivedConfigPath): VIP \(e.address?.description ?? "?") (VRRP, auth pass from the state dir; sha256 \(conf.shortDigest))",
          action: .create, .upload(source: conf.path, path: APIEndpointConfig.keepalivedConfigPath, sha256: conf.sha256, mode: 0o600,
            owner: "root", group: "root")),
        ServiceReload.draft("keepalived", files: [APIEndpointConfig.keepalivedConfigPath],
          validate: KubernetesScripts.keepalivedConfigValid(path: APIEndpointConfig.keepalivedConfigPath)),
      ]
    }
    return drafts
  }
}
