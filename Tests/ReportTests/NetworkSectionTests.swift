import Hardening
import Inventory
import NetworkPolicy
import Report
import TestSupport
import Testing

/// The report's network section: both matrices as filterable tables, exposure rows highlighted.
@Suite struct NetworkSectionTests {
  let inventory = """
    apiVersion: bulwark.dev/v1alpha1
    kind: Cluster
    metadata: {name: net}
    spec:
      versions: {etcd: 3.5.30, kubernetes: 1.36.4}
      etcd: {topology: stacked, allowSingleMember: true}
      network: {podCIDR: 10.244.0.0/16}
      kubernetes:
        cni: {plugin: calico, version: 3.28.2, mode: vxlan}
        nodePorts: {from: [198.51.100.0/24]}
      hosts:
        - {name: cp, address: 10.0.0.21, roles: [control-plane]}
        - {name: w, address: 10.0.0.31, roles: [worker]}
    """
  // web is isolated for ingress and admits only api's pods; api is isolated for nothing.
  let manifests = """
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: shop, labels: {app: api}}
    spec: {containers: [{name: c, image: x}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: web-from-api, namespace: shop}
    spec:
      podSelector: {matchLabels: {app: web}}
      ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 80}]}]
    """

  func page(pods: Bool) throws -> String {
    let inv = try #require(InventoryLoader().load(bytes: Array(inventory.utf8), file: "net.yaml").inventory)
    let flows = HostMatrix.flows(inv, sshFrom: [:])
    var section = NetworkSection(hosts: flows, pods: nil)
    if pods {
      let loaded = ManifestLoader().load([(name: "shop.yaml", bytes: Array(manifests.utf8))])
      let analysis = ConnectivityAnalysis(loaded.manifests)
      section.pods = NetworkSection.Pods(paths: ["shop.yaml"], connections: analysis.connections(), findings: Exposure.findings(analysis))
    }
    return HTMLReport(inventory: inv, plan: nil, planMadeAt: nil, audits: [], drift: [], lastRun: nil, network: section,
      generatedAt: "2026-12-03T00:00:00Z").render()
  }

  /// The table rows, one string per row: its class (x error, x warning or none) and its cells.
  func rows(_ html: String, table: String) -> [String] {
    guard let start = html.range(of: "<table id=\"\(table)-t\""), let end = html[start.upperBound...].range(of: "</table>") else { return [] }
    return html[start.upperBound..<end.lowerBound].components(separatedBy: "\n").filter { $0.hasPrefix("<tr") && !$0.contains("<th>") }.map {
      $0.replacingOccurrences(of: "</td><td>", with: " | ").replacingOccurrences(of: "<tr>", with: "").replacingOccurrences(of: "<td>", with: "")
        .replacingOccurrences(of: "</td></tr>", with: "")
    }
  }

  @Test func theHostMatrixIsATableOfListLinesWithExposureHighlighted() throws {
    let html = try page(pods: false)
    let hosts = rows(html, table: "hosts")
    #expect(hosts.contains("cp[Host] | w[Host] | TCP 22,TCP 10250,UDP 4789 | "))
    #expect(hosts.contains("w[Host] | cp[Host] | TCP 22,TCP 6443,TCP 10250,UDP 4789 | "))
    // No controller address known: SSH from anywhere, hosts included, and that is an error; the
    // NodePort network is a warning.
    #expect(hosts.contains { $0.hasPrefix("<tr class=\"x error\">0.0.0.0/0,::/0[External] | cp[Host] | TCP 22 | error: cp admits TCP 22 from any address") })
    #expect(hosts.contains { $0.hasPrefix("<tr class=\"x warning\">198.51.100.0/24[External] | w[Host] | TCP 30000-32767,UDP 30000-32767 | warning:") })
    #expect(html.contains("<input type=\"checkbox\" id=\"hosts-x\">") && html.contains("data-table=\"hosts-t\""))
    #expect(!html.contains("pods-t"), "no pod matrix without manifests")
    #expect(html.contains(">Network</div>"))
  }

  @Test func thePodMatrixShowsWhatThePoliciesAllowAndWhoIsExposed() throws {
    let html = try page(pods: true)
    let pods = rows(html, table: "pods")
    // api is not isolated for ingress: every line into it is an error row.
    #expect(pods.contains { $0.hasPrefix("<tr class=\"x error\">shop/web[Pod] | shop/api[Pod] | All Connections | ") && $0.contains("netpol-ingress-not-isolated") })
    #expect(pods.contains { $0.hasPrefix("<tr class=\"x warning\">shop/api[Pod] | shop/web[Pod] | TCP 80 | ") && $0.contains("netpol-egress-not-isolated") })
    #expect(!pods.contains { $0.contains("[External] | shop/web[Pod]") }, "web admits only api")
    #expect(html.contains("Exposure findings in the manifests") && html.contains("shop.yaml:"))
  }
}
