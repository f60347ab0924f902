import Inventory

/// kube-proxy for the sites that reach the API through their own endpoint (hybrid: a cloud load
/// balancer). kubeadm deploys one kube-proxy DaemonSet whose kubeconfig names the main endpoint
/// (cmd/kubeadm/app/phases/addons/proxy/manifests.go: `server: {{ .ControlPlaneEndpoint }}`); for
/// such a site Bulwark runs a copy of it, restricted to the site's nodes, with `--master` set to the
/// site's endpoint (kube-proxy's flag that overrides the kubeconfig's server, cmd/kube-proxy/app/
/// server.go), and keeps kubeadm's DaemonSet off those nodes. Nodes carry their site as a label
/// the kubelet sets itself (`node-labels`; NodeRestriction allows labels outside kubernetes.io).
public enum SiteProxies {
  public static let siteLabel = "bulwark.dev/site"
  public static let manifestPath = "\(KubernetesPaths.bulwark)/kube-proxy-sites.yaml"

  /// The sites whose nodes use another endpoint than the main one, with that endpoint's URL,
  /// sorted by site name. Only sites that have nodes count; none when the CNI replaces kube-proxy.
  public static func sites(_ inv: Inventory) -> [(site: String, server: String)] {
    // A CNI that replaces kube-proxy needs none, per site or not.
    guard inv.needsKubeProxy else { return [] }
    var out: [String: String] = [:]
    for host in inv.hosts where host.has(.controlPlane) || host.has(.worker) {
      guard let site = host.site else { continue }
      let address = inv.apiEndpointAddress(for: host)
      if address != inv.apiEndpointAddress { out[site] = "https://\(address)" }
    }
    return out.keys.sorted().map { ($0, out[$0]!) }
  }

  public static func image(_ inv: Inventory) -> String {
    "registry.k8s.io/kube-proxy:v\(inv.versions.kubernetes?.description ?? "?")"
  }

  /// One DaemonSet per site, as kubeadm's (same ServiceAccount, ConfigMap, volumes, privileges,
  /// priority and tolerations), on that site's nodes only, talking to the site's endpoint.
  public static func manifest(_ inv: Inventory) -> String {
    sites(inv).map { daemonSet(site: $0.site, server: $0.server, image: image(inv)) }.joined(separator: "---\n")
  }

  static func daemonSet(site: String, server: String, image: String) -> String {
    """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: kube-proxy-\(site)
      namespace: kube-system
      labels:
        k8s-app: kube-proxy
        \(siteLabel): "\(site)"
    spec:
      selector:
        matchLabels:
          k8s-app: kube-proxy-\(site)
      updateStrategy:
        type: RollingUpdate
      template:
        metadata:
          labels:
            k8s-app: kube-proxy-\(site)
        spec:
          priorityClassName: system-node-critical
          hostNetwork: true
          serviceAccountName: kube-proxy
          nodeSelector:
            kubernetes.io/os: linux
            \(siteLabel): "\(site)"
          tolerations:
            - key: CriticalAddonsOnly
              operator: Exists
            - operator: Exists
          containers:
            - name: kube-proxy
              image: \(image)
              imagePullPolicy: IfNotPresent
              command:
                - /usr/local/bin/kube-proxy
                - --config=/var/lib/kube-proxy/config.conf
                - --hostname-override=$(NODE_NAME)
                - --master=\(server)
              env:
                - name: NODE_NAME
                  valueFrom:
                    fieldRef:
                      fieldPath: spec.nodeName
              securityContext:
                privileged: true
              volumeMounts:
                - name: kube-proxy
                  mountPath: /var/lib/kube-proxy
                - name: xtables-lock
                  mountPath: /run/xtables.lock
                - name: lib-modules
                  mountPath: /lib/modules
                  readOnly: true
          volumes:
            - name: kube-proxy
              configMap:
                name: kube-proxy
            - name: xtables-lock
              hostPath:
                path: /run/xtables.lock
                type: FileOrCreate
            - name: lib-modules
              hostPath:
                path: /lib/modules

    """
  }

  /// The merge patch that keeps kubeadm's DaemonSet off the nodes of `sites`.
  public static func mainProxyPatch(sites: [String]) -> String {
    let values = sites.map { "\"\($0)\"" }.joined(separator: ",")
    return #"{"spec":{"template":{"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":"#
      + #"{"nodeSelectorTerms":[{"matchExpressions":[{"key":"\#(siteLabel)","operator":"NotIn","values":[\#(values)]}]}]}}}}}}}"#
  }
}
