/// The policy files the apiserver reads (HARDENING.md §7): the audit policy (P8, P9), encryption at
/// rest (P11), the admission configuration with PodSecurity defaults (P1) and EventRateLimit (A9),
/// the authentication configuration that limits anonymous requests (A1), and default-deny
/// NetworkPolicies with DNS allowed (P3). Each is written 0600 root:root (F18).
public enum Policies {
  /// The only paths an anonymous request may reach (A1, CIS 1.2.1). The health endpoints are what
  /// load balancers and the apiserver's own liveness probes ask; the cluster-info ConfigMap is what
  /// `kubeadm join` reads before it has credentials (bootstrap-token discovery: public by design,
  /// signed with the token, and the one object kubeadm's RBAC lets `system:anonymous` get).
  public static let anonymousPaths = [
    "/livez", "/readyz", "/healthz", "/api/v1/namespaces/kube-public/configmaps/cluster-info",
  ]

  /// kube-apiserver's AuthenticationConfiguration (`--authentication-config`), v1 since 1.34
  /// (structured authentication, KEP-3331; anonymous endpoints, KEP-4633, stable in 1.34). It
  /// must not be combined with `--anonymous-auth` (pkg/kubeapiserver/options/authentication.go
  /// refuses both), so the flag is not rendered.
  public static func authenticationConfiguration(paths: [String] = anonymousPaths) -> String {
    """
    apiVersion: apiserver.config.k8s.io/v1
    kind: AuthenticationConfiguration
    anonymous:
      enabled: true
      conditions:
    \(paths.map { "    - path: \($0)\n" }.joined())
    """
  }

  public static let auditPolicy = """
    apiVersion: audit.k8s.io/v1
    kind: Policy
    omitStages:
      - RequestReceived
    rules:
      # Secrets, ConfigMaps and token reviews: who and when, never the content.
      - level: Metadata
        resources:
          - group: ""
            resources: [secrets, configmaps]
          - group: authentication.k8s.io
            resources: [tokenreviews]
      # Interactive access to workloads.
      - level: Metadata
        resources:
          - group: ""
            resources: [pods/exec, pods/portforward, pods/proxy, services/proxy, pods/attach]
      # Changes to workloads, with the request.
      - level: Request
        verbs: [create, update, patch, delete, deletecollection]
        resources:
          - group: ""
            resources: [pods]
          - group: apps
            resources: [deployments, daemonsets, statefulsets, replicasets]
      # Noise that says nothing about who did what.
      - level: None
        users: ["system:kube-proxy"]
        verbs: [watch]
      - level: None
        nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
      - level: Metadata

    """

  /// Secretbox with a 32-byte key (base64); the same file on every control plane.
  public static func encryptionConfiguration(keyBase64: String) -> String {
    """
    apiVersion: apiserver.config.k8s.io/v1
    kind: EncryptionConfiguration
    resources:
      - resources: [secrets]
        providers:
          - secretbox:
              keys:
                - name: key1
                  secret: \(keyBase64)
          - identity: {}

    """
  }

  /// PodSecurity: `baseline` enforced, `restricted` audited and warned; system namespaces exempt.
  public static func admissionConfiguration(exemptNamespaces: [String] = ["kube-system"]) -> String {
    """
    apiVersion: apiserver.config.k8s.io/v1
    kind: AdmissionConfiguration
    plugins:
      - name: PodSecurity
        configuration:
          apiVersion: pod-security.admission.config.k8s.io/v1
          kind: PodSecurityConfiguration
          defaults:
            enforce: baseline
            enforce-version: latest
            audit: restricted
            audit-version: latest
            warn: restricted
            warn-version: latest
          exemptions:
            usernames: []
            runtimeClasses: []
            namespaces: [\(exemptNamespaces.joined(separator: ", "))]
      - name: EventRateLimit
        configuration:
          apiVersion: eventratelimit.admission.k8s.io/v1alpha1
          kind: Configuration
          limits:
            - type: Namespace
              qps: 50
              burst: 100
              cacheSize: 2000
            - type: User
              qps: 50
              burst: 100

    """
  }

  /// Default deny in and out for every pod of `namespace`, then DNS to kube-dns and traffic within
  /// the namespace allowed.
  public static func networkPolicies(namespace: String) -> String {
    """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: default-deny-all
      namespace: \(namespace)
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: allow-dns
      namespace: \(namespace)
    spec:
      podSelector: {}
      policyTypes: [Egress]
      egress:
        - to:
            - namespaceSelector:
                matchLabels:
                  kubernetes.io/metadata.name: kube-system
              podSelector:
                matchLabels:
                  k8s-app: kube-dns
          ports:
            - {protocol: UDP, port: 53}
            - {protocol: TCP, port: 53}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: allow-same-namespace
      namespace: \(namespace)
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
      ingress:
        - from:
            - podSelector: {}
      egress:
        - to:
            - podSelector: {}

    """
  }
}
