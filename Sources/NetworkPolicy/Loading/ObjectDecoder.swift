import Support
import Yams

/// A workload-bearing object as read, before pods are folded into their owners.
struct WorkloadRecord {
  var kind: String
  var namespace: String
  var name: String
  var labels: [String: String]
  var namedPorts: [NamedPort]
  /// The controlling ownerReference (or the first one): how the object is shown if its owner is absent.
  var owner: (kind: String, name: String)?
  var source: SourceLocation
}

/// What one decoded document or list item contributed.
struct DecodedObjects {
  var workloads: [WorkloadRecord] = []
  var namespaces: [Namespace] = []
  var policies: [Policy] = []
}

/// Turns each Kubernetes object (a document, or an item of a `kind: List`) into workload records,
/// namespaces and policies; other kinds are skipped with a note.
struct ObjectDecoder {
  let access: NodeAccess

  /// Where each workload kind keeps its pod template.
  static let templatePaths: [String: [String]] = [
    "Deployment": ["spec", "template"], "StatefulSet": ["spec", "template"], "DaemonSet": ["spec", "template"],
    "ReplicaSet": ["spec", "template"], "ReplicationController": ["spec", "template"], "Job": ["spec", "template"],
    "CronJob": ["spec", "jobTemplate", "spec", "template"],
  ]

  func decode(_ root: Node, into out: inout DecodedObjects) {
    guard case .mapping = root else {
      access.report(.warning("not-an-object", "skipped a document that is not a Kubernetes object (a mapping)",
                             at: access.location(root)))
      return
    }
    let kind = NodeAccess.string(NodeAccess.child(root, "kind")) ?? ""
    if kind == "List" || (kind.hasSuffix("List") && NodeAccess.child(root, "items") != nil) {
      for item in NodeAccess.items(NodeAccess.child(root, "items")) { decode(item, into: &out) }
      return
    }
    let metadata = NodeAccess.child(root, "metadata")
    let name = NodeAccess.string(metadata.flatMap { NodeAccess.child($0, "name") })
      ?? NodeAccess.string(metadata.flatMap { NodeAccess.child($0, "generateName") }).map { $0 + "*" }
    let namespace = NodeAccess.string(metadata.flatMap { NodeAccess.child($0, "namespace") }) ?? "default"
    let at = access.location(root)
    guard let name, !kind.isEmpty else {
      access.report(.warning("not-an-object", "skipped an object without kind or metadata.name", at: at))
      return
    }
    switch kind {
    case "Namespace":
      out.namespaces.append(Namespace(
        name: name, labels: NodeAccess.stringMap(metadata.flatMap { NodeAccess.child($0, "labels") }), source: at))
    case "NetworkPolicy":
      let apiVersion = NodeAccess.string(NodeAccess.child(root, "apiVersion")) ?? ""
      guard apiVersion == "networking.k8s.io/v1" else {
        access.report(.warning("skipped-kind", "skipped NetworkPolicy \(namespace)/\(name): apiVersion \"\(apiVersion)\" is not networking.k8s.io/v1", at: at))
        return
      }
      do {
        let decoder = PolicyDecoder(access: access, objectName: "NetworkPolicy \(namespace)/\(name)")
        out.policies.append(try decoder.decode(root, namespace: namespace, name: name))
      } catch {
        access.report(error.diagnostic)
      }
    case "Pod":
      out.workloads.append(record(kind, namespace, name, metadata: metadata, template: root, at: at))
    default:
      guard let path = Self.templatePaths[kind] else {
        access.report(.warning("skipped-kind", "skipped \(kind) \(namespace)/\(name): not a workload, namespace or NetworkPolicy", at: at))
        return
      }
      let template = NodeAccess.child(root, path)
      out.workloads.append(record(kind, namespace, name, metadata: metadata, template: template, at: at))
    }
  }

  /// A record from an object's metadata and its pod template (for a Pod, the pod itself).
  private func record(_ kind: String, _ namespace: String, _ name: String, metadata: Node?, template: Node?,
                      at: SourceLocation) -> WorkloadRecord {
    let labels = NodeAccess.stringMap(template.flatMap { NodeAccess.child($0, ["metadata", "labels"]) })
    var ports: [NamedPort] = []
    for container in NodeAccess.items(template.flatMap { NodeAccess.child($0, ["spec", "containers"]) }) {
      for p in NodeAccess.items(NodeAccess.child(container, "ports")) {
        guard let portName = NodeAccess.string(NodeAccess.child(p, "name")),
              let number = NodeAccess.string(NodeAccess.child(p, "containerPort")).flatMap({ Int($0) }),
              PortSet.allPorts.contains(number)
        else { continue }
        let proto = NodeAccess.string(NodeAccess.child(p, "protocol")).flatMap(L4Protocol.init(rawValue:)) ?? .tcp
        ports.append(NamedPort(name: portName, proto: proto, port: number))
      }
    }
    let owners = NodeAccess.items(metadata.flatMap { NodeAccess.child($0, "ownerReferences") })
    let controlling = owners.first { NodeAccess.string(NodeAccess.child($0, "controller")) == "true" } ?? owners.first
    let owner = controlling.flatMap { o -> (kind: String, name: String)? in
      guard let k = NodeAccess.string(NodeAccess.child(o, "kind")), let n = NodeAccess.string(NodeAccess.child(o, "name"))
      else { return nil }
      return (k, n)
    }
    return WorkloadRecord(kind: kind, namespace: namespace, name: name, labels: labels, namedPorts: ports,
                          owner: owner, source: at)
  }
}

/// Folds owned objects into their owners so each workload is counted once: a pod owned by a ReplicaSet
/// is that ReplicaSet; if the ReplicaSet is in the input and owned by a Deployment that is too, it is
/// the Deployment. A chain ends at the first owner not in the input, which is then shown by its
/// ownerReference. Pods' own labels win over a template's (they are what selectors really see).
enum OwnerResolution {
  static func resolve(_ records: [WorkloadRecord]) -> [Workload] {
    struct Key: Hashable { var namespace, kind, name: String }
    var byKey: [Key: Int] = [:]
    for (i, r) in records.enumerated() where byKey[Key(namespace: r.namespace, kind: r.kind, name: r.name)] == nil {
      byKey[Key(namespace: r.namespace, kind: r.kind, name: r.name)] = i
    }
    var groups: [Key: [Int]] = [:]
    var order: [Key] = []
    for (i, r) in records.enumerated() {
      var key = Key(namespace: r.namespace, kind: r.kind, name: r.name)
      var current = r
      var seen: Set<Key> = [key]
      while let owner = current.owner {
        let next = Key(namespace: r.namespace, kind: owner.kind, name: owner.name)
        guard seen.insert(next).inserted else { break }
        key = next
        guard let j = byKey[next] else { break }
        current = records[j]
      }
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(i)
    }
    return order.map { key in
      let members = groups[key] ?? []
      let own = byKey[key].flatMap { i in members.contains(i) ? i : nil }
      let pods = members.filter { records[$0].kind == "Pod" }.sorted { records[$0].name < records[$1].name }
      let labelSource = pods.first ?? own ?? members[0]
      let anchor = own ?? members[0]
      return Workload(namespace: key.namespace, name: key.name, kind: key.kind,
                      labels: records[labelSource].labels, namedPorts: records[labelSource].namedPorts,
                      source: records[anchor].source)
    }
  }
}
