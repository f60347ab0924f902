import Inventory

/// The API endpoint's configuration files: haproxy balancing to every apiserver with a `/readyz`
/// health check, and keepalived carrying a VIP (VRRP with an auth pass from the state dir, and a
/// check on haproxy). Which hosts carry them follows the inventory's endpoint mode.
public enum APIEndpointConfig {
  public static let haproxyConfigPath = "/etc/haproxy/haproxy.cfg"
  public static let keepalivedConfigPath = "/etc/keepalived/keepalived.conf"
  /// haproxy's own health page, on loopback only.
  public static let healthPort = 8404

  /// The hosts that carry the main endpoint's VIP (`Inventory.vipCarriers(of:)`); none without one.
  public static func vipCarriers(_ inv: Inventory) -> [ClusterHost] {
    inv.endpoint.map(inv.vipCarriers(of:)) ?? []
  }

  /// haproxy on an `lb` host, a VIP carrier or (localProxy) every node. On a VIP carrier it binds
  /// the VIP only (so it can share a control plane with the apiserver's own address); with a local
  /// proxy it binds 127.0.0.1.
  public static func haproxy(_ inv: Inventory, for host: ClusterHost) -> String {
    let endpoint = inv.endpoint(for: host)
    let port = endpoint?.port ?? 6443
    let bind: String
    switch endpoint?.mode {
    case .localProxy?: bind = "127.0.0.1:\(port)"
    case .vip?: bind = "\(endpoint?.address?.description ?? "*"):\(port)"
    default: bind = "*:\(port)"
    }
    let servers = inv.hosts(with: .controlPlane).map {
      "  server \($0.name) \($0.address.description):6443 check check-ssl verify none inter 2s fall 3 rise 2"
    }
    return """
      # Managed by Bulwark: the Kubernetes API endpoint on \(host.name).
      global
        log stdout format raw local0
        maxconn 4000
        ssl-default-server-options ssl-min-ver TLSv1.2

      defaults
        mode tcp
        log global
        option tcplog
        timeout connect 5s
        timeout client 1h
        timeout server 1h

      frontend kube-apiserver
        bind \(bind)
        default_backend kube-apiservers

      # Health of the endpoint itself, for keepalived and operators: 200 while an apiserver is up.
      frontend endpoint-health
        mode http
        bind 127.0.0.1:\(healthPort)
        monitor-uri /healthz
        monitor fail if { nbsrv(kube-apiservers) lt 1 }

      backend kube-apiservers
        balance roundrobin
        option httpchk
        http-check send meth GET uri /readyz
        http-check expect status 200
      \(servers.joined(separator: "\n"))

      """
  }

  /// keepalived for a VIP carrier: priority by position (the first carrier is the preferred
  /// master), unicast to the other carriers, and a check that haproxy answers.
  public static func keepalived(_ inv: Inventory, for host: ClusterHost, carriers: [ClusterHost], interface: String,
    authPass: String) -> String {
    let vip = inv.endpoint?.address?.description ?? "?"
    let position = carriers.firstIndex { $0.name == host.name } ?? 0
    let peers = carriers.filter { $0.name != host.name }.map { "    \($0.address)" }
    return """
      # Managed by Bulwark: the API VIP on \(host.name).
      global_defs {
        enable_script_security
        script_user root
      }

      vrrp_script haproxy_alive {
        script "/usr/bin/systemctl is-active --quiet haproxy.service"
        interval 2
        fall 2
        rise 2
      }

      vrrp_instance kube_api {
        state \(position == 0 ? "MASTER" : "BACKUP")
        interface \(interface)
        virtual_router_id 51
        priority \(150 - position * 10)
        advert_int 1
        unicast_src_ip \(host.address)
        unicast_peer {
      \(peers.joined(separator: "\n"))
        }
        authentication {
          auth_type PASS
          auth_pass \(authPass)
        }
        virtual_ipaddress {
          \(vip)
        }
        track_script {
          haproxy_alive
        }
      }

      """
  }
}
