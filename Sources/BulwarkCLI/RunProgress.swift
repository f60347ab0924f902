import Execution
import Foundation
import Planning
import Steps
import Remote

/// What a run shows while it works.
/// - On a terminal: the steps that changed or failed scroll by, and below them a live view with one
///   line per busy host (its current step, for how long) and an overall bar, redrawn 5 times a second.
/// - Otherwise: plain lines with a UTC timestamp, one per step that starts and ends.
/// - Either way, a step that runs for more than 5 s gets a "still waiting for STEP on HOST" line every
///   10 s, so nothing is silent for long. `quiet` shows only the summary. `NO_COLOR` turns colours off.
final class RunProgress: @unchecked Sendable {
  enum Style { case live, plain, quiet }

  let style: Style
  let color: Bool
  private let total: Int
  private let lock = NSLock()
  private var done = 0
  private var running: [String: (host: String, since: Date, lastNote: Date)] = [:]
  private var drawnLines = 0
  private var ticker: (any DispatchSourceTimer)?
  private let startedAt = Date()
  /// For tests: the clock and the sink.
  var now: () -> Date = Date.init
  var write: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }

  init(total: Int, quiet: Bool, environment: [String: String] = ProcessInfo.processInfo.environment, terminal: Bool = isatty(STDOUT_FILENO) == 1) {
    self.total = total
    style = quiet ? .quiet : (terminal && environment["TERM"] != "dumb" ? .live : .plain)
    color = terminal && environment["NO_COLOR"] == nil
  }

  func start() {
    guard style != .quiet else { return }
    let t = DispatchSource.makeTimerSource(queue: .global())
    t.schedule(deadline: .now() + .milliseconds(200), repeating: style == .live ? .milliseconds(200) : .seconds(1))
    t.setEventHandler { [weak self] in self?.tick() }
    t.resume()
    ticker = t
  }

  func stop() {
    ticker?.cancel()
    ticker = nil
    lock.withLock { clearLive() }
  }

  func handle(_ event: ExecutionEvent) {
    lock.withLock {
      switch event {
      case .started(let step, let host):
        let t = now()
        // The first "still waiting" line comes at 5 s, then one every 10 s.
        running[step] = (host, t, t.addingTimeInterval(-5))
        if style == .plain { emit("\(stamp(t)) start    \(step)\(host == subject(step) ? "" : " (on \(host))")\n") }
      case .finished(let step, _, let outcome):
        done += 1
        running[step] = nil
        guard style != .quiet else { return }
        let line = Self.line(step, outcome, color: color)
        switch (style, outcome) {
        case (.plain, _): emit("\(stamp(now())) \(line.dropFirst(2))\n")
        case (.live, .changed), (.live, .failed), (.live, .needsChange): emitAboveLive(line + "\n")
        default: break
        }
      }
    }
  }

  func tick() {
    lock.withLock {
      let t = now()
      // Long waits get a line of their own, in both styles.
      for (step, r) in running.sorted(by: { $0.key < $1.key }) where t.timeIntervalSince(r.since) >= 5 && t.timeIntervalSince(r.lastNote) >= 10 {
        running[step]!.lastNote = t
        let line = "still waiting for \(step) on \(r.host) (\(Int(t.timeIntervalSince(r.since)))s)"
        if style == .plain { emit("\(stamp(t)) \(line)\n") } else { emitAboveLive("  " + line + "\n") }
      }
      if style == .live { redraw() }
    }
  }

  // MARK: terminal

  private func emitAboveLive(_ text: String) {
    clearLive()
    emit(text)
    redraw()
  }

  private func clearLive() {
    guard drawnLines > 0 else { return }
    emit("\u{1B}[\(drawnLines)F\u{1B}[J")
    drawnLines = 0
  }

  private func redraw() {
    clearLive()
    let t = now()
    var lines: [String] = []
    var byHost: [String: (step: String, since: Date)] = [:]
    for (step, r) in running where byHost[r.host].map({ r.since < $0.since }) ?? true { byHost[r.host] = (step, r.since) }
    for host in byHost.keys.sorted().prefix(20) {
      let (step, since) = byHost[host]!
      lines.append("  \(pad(host, 14)) \(pad(step, 56)) \(Int(t.timeIntervalSince(since)))s")
    }
    if byHost.count > 20 { lines.append("  … and \(byHost.count - 20) more hosts") }
    let width = 30, filled = total == 0 ? width : width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    lines.append("  [\(color ? "\u{1B}[32m" : "")\(bar)\(color ? "\u{1B}[0m" : "")] \(done)/\(total) steps  \(Int(t.timeIntervalSince(startedAt)))s")
    emit(lines.joined(separator: "\n") + "\n")
    drawnLines = lines.count
  }

  private func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? String(s.prefix(n - 1)) + "…" : s + String(repeating: " ", count: n - s.count)
  }

  private func emit(_ text: String) { write(text) }

  private func subject(_ step: String) -> String {
    let parts = step.split(separator: "/", maxSplits: 2)
    return parts.count == 3 ? String(parts[1]) : ""
  }

  private func stamp(_ t: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withTime, .withColonSeparatorInTime]
    return "[" + f.string(from: t).prefix(8) + "]"
  }

  /// One finished step, as the report prints it.
  static func line(_ step: String, _ outcome: StepOutcome, color: Bool = false) -> String {
    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    switch outcome {
    case .satisfied(let why):
      // Not checked again: say so, so a quiet line does not pass for a check that ran.
      return why == Executor.inPlaceWhenPlanned ? "  ok       \(step) (\(why))" : "  ok       \(step)"
    case .changed(let detail): return "  \(paint("changed", "33"))  \(step): \(detail)"
    case .needsChange(let c): return "  pending  \(step): \(c.detail)"
    case .failed(let cause): return "  \(paint("FAILED", "31"))   \(step): \(cause.message) [\(cause.code)]"
    case .skipped(let root): return "  skipped  \(step) (because \(root) failed)"
    }
  }
}
