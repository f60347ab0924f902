import Planning

/// Node preparation: the kernel modules and parameters kubeadm's preflight wants, and swap off.
extension KubernetesKinds {
  static func kernelModules() -> [StepDraft] {
    [
      StepDraft("modules-load", "\(NodeFiles.modulesLoadPath): load overlay and br_netfilter at boot", action: .create,
        .file(path: NodeFiles.modulesLoadPath, content: NodeFiles.modulesLoad, mode: 0o644, owner: "root", group: "root")),
      StepDraft("modules", "load overlay and br_netfilter now (nothing to do when the kernel has them built in)", action: .run,
        .command(argv: ["modprobe", "-a"] + NodeFiles.modules, unless: sh(KubernetesScripts.modulesPresent()))),
    ]
  }

  static func kernelParameters() -> [StepDraft] {
    [StepDraft("kernel-parameters", "kernel parameters SY1-SY3 in \(NodeFiles.kernelParametersPath)", action: .update,
      .sysctl(settings: NodeFiles.kernelParameters, file: NodeFiles.kernelParametersPath))]
  }

  static func swapOff() -> [StepDraft] {
    [StepDraft("swap-off", "swap off, now and at boot (the kubelet refuses swap)", action: .run,
      .command(argv: sh(KubernetesScripts.swapOff()), unless: sh(KubernetesScripts.swapIsOff())))]
  }
}
