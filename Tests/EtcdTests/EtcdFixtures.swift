import Inventory
import Testing

/// The lab inventory the etcd tests plan and render with: `members` etcd hosts lab1, lab2, ... at
/// 10.123.0.11, .12, ...
func labInventory(members: Int = 3, version: String = "3.5.1", artifacts: String = "") throws -> Inventory {
  var text = """
    apiVersion: bulwark.dev/v1alpha1
    kind: Cluster
    metadata: {name: lab}
    spec:
      versions: {etcd: \(version)}
      sites: [{name: lab, kind: onprem, cidr: 10.123.0.0/24}]
    \(artifacts)
      hosts:

    """
  for i in 1...members { text += "    - {name: lab\(i), address: 10.123.0.\(10 + i), site: lab, roles: [etcd]}\n" }
  let loaded = InventoryLoader().load(bytes: Array(text.utf8), file: "lab.yaml")
  #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics.map(\.rendered))")
  return try #require(loaded.inventory)
}
