/// Writes a plan as JSON directly, in the exact form Foundation's JSONEncoder produces with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (the golden file pins that), but about
/// several times faster: no reflection, no intermediate containers. `Plan.fromJSON` still reads it with
/// the synthesized Decodable.
final class PlanJSONWriter {
  private var out: [UInt8] = []
  private var depth = 0
  /// Per open container: whether it already has a member.
  private var hasMember: [Bool] = []

  static func write(_ plan: Plan) -> String {
    let w = PlanJSONWriter()
    w.out.reserveCapacity(plan.steps.count * 600)
    w.object {
      w.member("cluster") { w.string(plan.cluster) }
      if let f = plan.factsFingerprint { w.member("factsFingerprint") { w.string(f) } }
      w.member("formatVersion") { w.number(plan.formatVersion) }
      if let i = plan.inventory { w.member("inventory") { w.string(i) } }
      w.member("phases") {
        w.array(plan.phases) { phase in
          w.object {
            w.member("batches") { w.array(phase.batches) { batch in w.strings(batch) } }
            w.member("name") { w.string(phase.name) }
            w.member("ordering") { w.string(phase.ordering) }
            w.member("target") { w.string(phase.target) }
          }
        }
      }
      w.member("playbook") { w.string(plan.playbook) }
      if let f = plan.playbookFile { w.member("playbookFile") { w.string(f) } }
      if let p = plan.preflight { w.member("preflight") { w.strings(p) } }
      w.member("steps") { w.array(plan.steps) { step in w.step(step) } }
    }
    w.out.append(UInt8(ascii: "\n"))
    return String(decoding: w.out, as: UTF8.self)
  }

  private func step(_ s: PlannedStep) {
    object {
      member("action") { string(s.action.rawValue) }
      member("dependsOn") { strings(s.dependsOn) }
      member("host") { string(s.host) }
      member("id") { string(s.id) }
      member("kind") { string(s.kind) }
      if let o = s.observed {
        member("observed") {
          object {
            if let d = o.detail { member("detail") { string(d) } }
            if let d = o.diff { member("diff") { string(d) } }
            member("state") { string(o.state.rawValue) }
          }
        }
      }
      member("operation") { operation(s.operation) }
      member("phase") { string(s.phase) }
      member("summary") { string(s.summary) }
    }
  }

  /// The synthesized Codable shape of an enum: `{"case" : {labels…}}`.
  private func operation(_ op: StepOperation) {
    object {
      switch op {
      case .barrier:
        member("barrier") { object {} }
      case let .command(argv, unless):
        member("command") {
          object {
            member("argv") { strings(argv) }
            member("unless") { strings(unless) }
          }
        }
      case let .directory(path, mode, owner, group):
        member("directory") {
          object {
            member("group") { string(group) }
            member("mode") { number(Int(mode)) }
            member("owner") { string(owner) }
            member("path") { string(path) }
          }
        }
      case let .fetch(argv, remotePath, localPath):
        member("fetch") {
          object {
            member("argv") { strings(argv) }
            member("localPath") { string(localPath) }
            member("remotePath") { string(remotePath) }
          }
        }
      case let .file(path, content, mode, owner, group):
        member("file") {
          object {
            member("content") { string(content) }
            member("group") { string(group) }
            member("mode") { number(Int(mode)) }
            member("owner") { string(owner) }
            member("path") { string(path) }
          }
        }
      case let .guardedConfig(path, content, mode, validate, activate, deactivate, liveCheck):
        member("guardedConfig") {
          object {
            member("activate") { strings(activate) }
            member("content") { string(content) }
            member("deactivate") { strings(deactivate) }
            member("liveCheck") { strings(liveCheck) }
            member("mode") { number(Int(mode)) }
            member("path") { string(path) }
            member("validate") { strings(validate) }
          }
        }
      case let .sysctl(settings, file):
        member("sysctl") {
          object {
            member("file") { string(file) }
            member("settings") {
              object { for key in settings.keys.sorted() { member(key) { string(settings[key]!) } } }
            }
          }
        }
      case let .systemdUnit(name, content, enabled, running):
        member("systemdUnit") {
          object {
            member("content") { string(content) }
            member("enabled") { literal(enabled ? "true" : "false") }
            member("name") { string(name) }
            member("running") { literal(running ? "true" : "false") }
          }
        }
      case let .upload(source, path, sha256, mode, owner, group):
        member("upload") {
          object {
            member("group") { string(group) }
            member("mode") { number(Int(mode)) }
            member("owner") { string(owner) }
            member("path") { string(path) }
            if let sha256 { member("sha256") { string(sha256) } }
            member("source") { string(source) }
          }
        }
      case let .wait(argv, timeoutSeconds):
        member("wait") {
          object {
            member("argv") { strings(argv) }
            member("timeoutSeconds") { number(timeoutSeconds) }
          }
        }
      case let .user(name, home):
        member("user") {
          object {
            member("home") { string(home) }
            member("name") { string(name) }
          }
        }
      }
    }
  }

  // MARK: Layout

  private func newline() {
    out.append(UInt8(ascii: "\n"))
    for _ in 0..<(depth * 2) { out.append(UInt8(ascii: " ")) }
  }

  private func container(_ open: UInt8, _ close: UInt8, _ body: () -> Void) {
    out.append(open)
    depth += 1
    hasMember.append(false)
    body()
    depth -= 1
    // Foundation writes an empty container as an opening line, an empty line, and the closing line.
    if !hasMember.removeLast() { out.append(UInt8(ascii: "\n")) }
    newline()
    out.append(close)
  }

  private func object(_ body: () -> Void) { container(UInt8(ascii: "{"), UInt8(ascii: "}"), body) }

  private func startItem() {
    if hasMember[hasMember.count - 1] { out.append(UInt8(ascii: ",")) }
    hasMember[hasMember.count - 1] = true
    newline()
  }

  private func member(_ key: String, _ value: () -> Void) {
    startItem()
    string(key)
    out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")])
    value()
  }

  private func array<C: Collection>(_ items: C, _ each: (C.Element) -> Void) {
    container(UInt8(ascii: "["), UInt8(ascii: "]")) {
      for item in items {
        startItem()
        each(item)
      }
    }
  }

  private func strings(_ items: [String]) { array(items) { string($0) } }

  private func number(_ n: Int) { out.append(contentsOf: Array(String(n).utf8)) }
  private func literal(_ s: String) { out.append(contentsOf: Array(s.utf8)) }

  private func string(_ s: String) {
    out.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
      case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
      case 0x08: out.append(contentsOf: [92, UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [92, UInt8(ascii: "f")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
