import Support

extension InventoryValidator {
  /// The CNI must select a profile (`CNIProfile.select`): each field that no profile of its plugin
  /// takes is an error at that field. A NodePort source of /0 is warned about.
  func cniRules(_ inv: Inventory) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let map = inv.sourceMap
    func error(_ msg: String, _ path: String, hint: String) {
      out.append(.error("unsupported-cni", msg, at: map.location(path), path: path, hint: hint))
    }
    if let cni = inv.kubernetes.cni {
      let mode = cni.mode ?? CNIProfile.defaultMode(cni.plugin)
      let base = "spec.kubernetes.cni"
      if cni.plugin == .cilium, mode == .ipip {
        error("Cilium has no IP-in-IP mode", base + ".mode", hint: "use mode: vxlan (Cilium's default tunnel)")
      }
      if cni.typha, cni.plugin != .calico {
        error("Typha is Calico's; \(cni.plugin.rawValue) has none", base + ".typha", hint: "remove typha")
      } else if cni.typha, mode != .ipip {
        error("Calico ships Typha in its IP-in-IP manifest (calico-typha.yaml) only", base + ".typha",
          hint: "remove typha, or use mode: ipip")
      }
      if cni.kubeProxyReplacement, cni.plugin != .cilium {
        error("only the Cilium profile replaces kube-proxy", base + ".kubeProxyReplacement",
          hint: "remove kubeProxyReplacement; kube-proxy is installed")
      }
    }
    for (i, c) in inv.kubernetes.nodePortsFrom.enumerated() where c.prefix == 0 {
      out.append(.warning("wide-open", "NodePorts are opened to every address (\(c))", at: map.location("spec.kubernetes.nodePorts.from[\(i)]"),
        path: "spec.kubernetes.nodePorts.from[\(i)]", hint: "name the networks that need them"))
    }
    return out
  }
}
