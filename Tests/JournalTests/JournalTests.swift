import CSQLite
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

  @Test func aFailedStepKeepsItsErrorCode() throws {
    let dir = temporary()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let j = try RunJournal(path: dir + "/journal.db")
    let run = try j.beginRun(playbook: "bootstrap", plan: "abc")
    try j.stepFinished(run, step: "p/h1/a", host: "h1", outcome: "failed", detail: "`x` exited 3: no", code: "command-failed")
    try j.stepFinished(run, step: "p/h1/b", host: "h1", outcome: "skipped", detail: "because p/h1/a failed")
    let steps = try RunJournal(path: dir + "/journal.db").steps(of: run)
    #expect(steps.map(\.code) == ["command-failed", nil])
    #expect(steps.first?.detail == "`x` exited 3: no")
  }

  /// A journal written before steps kept codes (no `code` column, user_version 0) is migrated in
  /// place: its runs and steps are all still there, and new steps keep their codes.
  @Test func aJournalFromBeforeCodesIsMigratedWithoutLosingIt() throws {
    let dir = temporary()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/journal.db"
    var db: OpaquePointer?
    #expect(sqlite3_open(path, &db) == SQLITE_OK)
    let old = """
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY, playbook TEXT NOT NULL, plan TEXT NOT NULL, pid INTEGER NOT NULL,
        started REAL NOT NULL, ended REAL, result TEXT);
      CREATE TABLE steps (
        run INTEGER NOT NULL REFERENCES runs(id), step TEXT NOT NULL, host TEXT NOT NULL,
        started REAL NOT NULL, ended REAL, outcome TEXT, detail TEXT, PRIMARY KEY (run, step));
      INSERT INTO runs VALUES (1, 'bootstrap', 'abc', 42, 1000, 1010, 'failed');
      INSERT INTO steps VALUES (1, 'p/h1/a', 'h1', 1001, 1002, 'failed', 'h1: connection refused');
      INSERT INTO steps VALUES (1, 'p/h1/b', 'h1', 1003, 1004, 'skipped', 'because p/h1/a failed');
      """
    #expect(sqlite3_exec(db, old, nil, nil, nil) == SQLITE_OK)
    sqlite3_close(db)

    let j = try RunJournal(path: path)
    let last = try #require(try j.lastRun())
    #expect(last.id == 1 && last.playbook == "bootstrap" && last.result == "failed")
    let before = try j.steps(of: 1)
    #expect(before.map(\.step) == ["p/h1/a", "p/h1/b"])
    #expect(before.map(\.outcome) == ["failed", "skipped"] && before.allSatisfy { $0.code == nil })
    #expect(before.first?.detail == "h1: connection refused")
    let run = try j.beginRun(playbook: "bootstrap", plan: "def")
    try j.stepFinished(run, step: "p/h1/a", host: "h1", outcome: "failed", detail: "refused", code: "connection-refused")
    #expect(try j.steps(of: run).first?.code == "connection-refused")
    // Opening it again migrates nothing twice.
    #expect(try RunJournal(path: path).steps(of: 1).count == 2)
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
