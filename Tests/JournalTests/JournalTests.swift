import Foundation
import Journal
import Testing

/// The run journal and the cluster lock, on real files.
@Suite struct JournalTests {
  func temporary() -> String {
    let dir = NSTemporaryDirectory() + "bulwark-journal-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func aRunThatDiedShowsWhatWasInFlight() throws {
    let dir = temporary()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/journal.db"
    do {
      let j = try RunJournal(path: path)
      let run = try j.beginRun(playbook: "bootstrap", plan: "abc")
      try j.stepStarted(run, step: "p/h1/a", host: "h1")
      try j.stepFinished(run, step: "p/h1/a", host: "h1", outcome: "changed", detail: "created")
      try j.stepStarted(run, step: "p/h1/b", host: "h1")
      try j.stepFinished(run, step: "p/h2/c", host: "h2", outcome: "skipped", detail: "because x failed")
      // No endRun: the controller died here.
    }
    let again = try RunJournal(path: path)
    let last = try #require(try again.lastRun())
    #expect(last.playbook == "bootstrap" && last.endedAt == nil && last.result == nil)
    let steps = try again.steps(of: last.id)
    #expect(steps.map(\.step) == ["p/h1/a", "p/h1/b", "p/h2/c"])
    #expect(steps.filter { $0.outcome == nil }.map(\.step) == ["p/h1/b"])
    try again.endRun(last.id, result: "abandoned")
    #expect(try again.lastRun()?.result == "abandoned")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func oneRunPerClusterAndAStaleLockIsTakenOver() throws {
    let dir = temporary()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/lock"
    let first = try ClusterLock(path: path, command: "bulwark apply")
    #expect(first.staleHolder == nil)
    #expect(throws: (any Error).self) { try ClusterLock(path: path, command: "bulwark upgrade") }
    do {
      _ = try ClusterLock(path: path, command: "x")
    } catch {
      #expect("\(error)".contains("pid \(getpid())") && "\(error)".contains("bulwark apply"))
    }
    first.release()
    let second = try ClusterLock(path: path, command: "bulwark apply")
    #expect(second.staleHolder == nil)
    second.release()
    // A holder written by a run that died (its file was never emptied) is reported as stale.
    try "999999\nelsewhere\n2026-01-01T00:00:00Z\nbulwark apply\n".write(toFile: path, atomically: false, encoding: .utf8)
    let third = try ClusterLock(path: path, command: "bulwark apply")
    #expect(third.staleHolder?.pid == 999999)
    third.release()
  }
}
