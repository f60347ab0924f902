/// Generic step kinds: the building blocks every domain uses. Each reads only its params, so a
/// host's steps are the same as every other's unless the entry is templated.
enum GenericKinds {
  static let all: [any StepKind] = [FileKind(), DirectoryKind(), UserKind(), SysctlKind(), SystemdUnitKind(), CommandKind()]
}

/// A readable id fragment from a path: `/var/lib/etcd` → `var-lib-etcd`.
func slug(_ text: String) -> String {
  let mapped = text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
  return String(mapped).split(separator: "-").joined(separator: "-")
}

/// A file mode as people write it: `0644`.
public func modeText(_ mode: UInt32) -> String { "0" + String(mode, radix: 8) }

struct FileKind: StepKind {
  let sameForEveryHost = true
  let name = "file"
  let parameters: [ParameterSpec] = [
    .string("path", required: true), .string("content", required: true), .string("mode", default: "0644"),
    .string("owner", default: "root"), .string("group", default: "root"),
  ]
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let p = c.params, path = p.string("path"), mode = p.mode("mode")
    return [StepDraft(
      "file-\(slug(path))", "file \(path) (\(modeText(mode)) \(p.string("owner")):\(p.string("group")))", action: .create,
      .file(path: path, content: p.string("content"), mode: mode, owner: p.string("owner"), group: p.string("group")))]
  }
}

struct DirectoryKind: StepKind {
  let sameForEveryHost = true
  let name = "directory"
  let parameters: [ParameterSpec] = [
    .string("path", required: true), .string("mode", default: "0755"), .string("owner", default: "root"),
    .string("group", default: "root"),
  ]
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let p = c.params, path = p.string("path"), mode = p.mode("mode")
    return [StepDraft(
      "dir-\(slug(path))", "directory \(path) (\(modeText(mode)) \(p.string("owner")):\(p.string("group")))",
      action: .create, .directory(path: path, mode: mode, owner: p.string("owner"), group: p.string("group")))]
  }
}

struct UserKind: StepKind {
  let sameForEveryHost = true
  let name = "user"
  let parameters: [ParameterSpec] = [.string("name", required: true), .string("home")]
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let user = c.params.string("name")
    let home = c.params.optionalString("home") ?? "/var/lib/\(user)"
    return [StepDraft("user-\(slug(user))", "system user \(user) (no login shell)", action: .create,
      .user(name: user, home: home))]
  }
}

struct SysctlKind: StepKind {
  let sameForEveryHost = true
  let name = "sysctl"
  let parameters: [ParameterSpec] = [.map("settings", required: true), .string("file", default: "/etc/sysctl.d/90-bulwark.conf")]
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let settings = c.params.map("settings"), file = c.params.string("file")
    let list = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: ", ")
    return [StepDraft("sysctl-\(slug(file))", "sysctl \(list) (persisted in \(file))", action: .create,
      .sysctl(settings: settings, file: file))]
  }
}

struct SystemdUnitKind: StepKind {
  let sameForEveryHost = true
  let name = "systemd-unit"
  let parameters: [ParameterSpec] = [
    .string("name", required: true), .string("content", required: true), .string("enabled", default: "true"),
    .string("running", default: "true"),
  ]
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let p = c.params, unit = p.string("name")
    let state = [p.bool("enabled") ? "enabled" : "disabled", p.bool("running") ? "running" : "stopped"]
    return [StepDraft("unit-\(slug(unit))", "systemd unit \(unit) (\(state.joined(separator: ", ")))", action: .create,
      .systemdUnit(name: unit, content: p.string("content"), enabled: p.bool("enabled"), running: p.bool("running")))]
  }
}

struct CommandKind: StepKind {
  let sameForEveryHost = true
  let name = "command"
  let parameters: [ParameterSpec] = [.string("name", required: true), .list("argv", required: true), .list("unless", required: true)]
  func expand(_ c: ExpansionContext) -> [StepDraft] {
    let p = c.params
    return [StepDraft("run-\(slug(p.string("name")))", "run \(p.list("argv").joined(separator: " ")) (unless: \(p.list("unless").joined(separator: " ")))",
      action: .run, .command(argv: p.list("argv"), unless: p.list("unless")))]
  }
}
