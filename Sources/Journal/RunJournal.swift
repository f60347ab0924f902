import CSQLite
import Foundation
import Support

/// The run journal: every run of `apply`/`upgrade` and every step's start and end, in an SQLite
/// database in the state dir (`journal.db`, 0600). WAL mode, so a record survives the controller
/// being killed the moment after it was written; a start is written before the step touches the
/// host, so a run that died shows exactly what was in flight.
///
/// SQLite through its C API rather than GRDB: the journal needs four statements, Debian ships the
/// library, and GRDB would add minutes of CI build for nothing else. Calls are short local writes,
/// serialised by a lock; they never wait on the network.
public final class RunJournal: @unchecked Sendable {
  public struct Run: Sendable, Equatable {
    public var id: Int64
    public var playbook: String
    public var startedAt: Date
    public var endedAt: Date?
    /// `succeeded`, `failed`, `interrupted`; nil while running or when the controller died.
    public var result: String?
  }

  public struct StepRecord: Sendable, Equatable {
    public var step: String
    public var host: String
    public var startedAt: Date
    /// nil: started but never finished (in flight when the run died).
    public var outcome: String?
    public var detail: String?
    /// A failed step's error code (`command-failed`, `connection-refused`); nil for other outcomes
    /// and for steps recorded before journals kept codes.
    public var code: String?
  }

  private var db: OpaquePointer?
  private let lock = NSLock()
  public let path: String

  public init(path: String) throws {
    self.path = path
    let directory = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let fresh = !FileManager.default.fileExists(atPath: path)
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil) == SQLITE_OK else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(db)
      throw JournalError(.unusable, "cannot open the run journal \(path): \(message)")
    }
    if fresh { chmod(path, 0o600) }
    sqlite3_busy_timeout(db, 5000)
    try exec("""
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY, playbook TEXT NOT NULL, plan TEXT NOT NULL, pid INTEGER NOT NULL,
        started REAL NOT NULL, ended REAL, result TEXT);
      CREATE TABLE IF NOT EXISTS steps (
        run INTEGER NOT NULL REFERENCES runs(id), step TEXT NOT NULL, host TEXT NOT NULL,
        started REAL NOT NULL, ended REAL, outcome TEXT, detail TEXT, code TEXT, PRIMARY KEY (run, step));
      """)
    try migrate()
  }

  /// The schema's version (`PRAGMA user_version`): 0 before failed steps kept their error code,
  /// 1 since. An older journal gains the `code` column in place; its runs and steps stay as they
  /// were, with no code.
  static let schemaVersion: Int64 = 1

  private func migrate() throws {
    let version = try query("PRAGMA user_version", []) { sqlite3_column_int64($0, 0) }.first ?? 0
    guard version < Self.schemaVersion else { return }
    let columns = try query("PRAGMA table_info(steps)", []) { text($0, 1) ?? "" }
    try exec("""
      BEGIN IMMEDIATE;
      \(columns.contains("code") ? "" : "ALTER TABLE steps ADD COLUMN code TEXT;")
      PRAGMA user_version = \(Self.schemaVersion);
      COMMIT;
      """)
  }

  deinit { sqlite3_close(db) }

  /// Records a new run and returns its id. `plan` is the plan's facts digest.
  public func beginRun(playbook: String, plan: String) throws -> Int64 {
    try locked {
      try run("INSERT INTO runs (playbook, plan, pid, started) VALUES (?, ?, ?, ?)",
        [.text(playbook), .text(plan), .int(Int64(getpid())), .real(Date().timeIntervalSince1970)])
      return sqlite3_last_insert_rowid(db)
    }
  }

  public func endRun(_ id: Int64, result: String) throws {
    try locked {
      try run("UPDATE runs SET ended = ?, result = ? WHERE id = ?", [.real(Date().timeIntervalSince1970), .text(result), .int(id)])
    }
  }

  public func stepStarted(_ run: Int64, step: String, host: String) throws {
    try locked {
      try self.run("INSERT OR REPLACE INTO steps (run, step, host, started) VALUES (?, ?, ?, ?)",
        [.int(run), .text(step), .text(host), .real(Date().timeIntervalSince1970)])
    }
  }

  /// `code`: the error code of a failed step.
  public func stepFinished(_ run: Int64, step: String, host: String, outcome: String, detail: String?, code: String? = nil) throws {
    try locked {
      // A step skipped without starting has no start record: it gets one now.
      try self.run("""
        INSERT INTO steps (run, step, host, started, ended, outcome, detail, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run, step) DO UPDATE SET
          ended = excluded.ended, outcome = excluded.outcome, detail = excluded.detail, code = excluded.code
        """,
        [.int(run), .text(step), .text(host), .real(Date().timeIntervalSince1970), .real(Date().timeIntervalSince1970),
         .text(outcome), detail.map(Value.text) ?? .null, code.map(Value.text) ?? .null])
    }
  }

  /// The most recent run, if any.
  public func lastRun() throws -> Run? {
    try locked {
      try query("SELECT id, playbook, started, ended, result FROM runs ORDER BY id DESC LIMIT 1", []) { s in
        Run(id: sqlite3_column_int64(s, 0), playbook: text(s, 1) ?? "", startedAt: Date(timeIntervalSince1970: sqlite3_column_double(s, 2)),
          endedAt: sqlite3_column_type(s, 3) == SQLITE_NULL ? nil : Date(timeIntervalSince1970: sqlite3_column_double(s, 3)),
          result: text(s, 4))
      }.first
    }
  }

  /// The steps of a run, in the order they started.
  public func steps(of run: Int64) throws -> [StepRecord] {
    try locked {
      try query("SELECT step, host, started, outcome, detail, code FROM steps WHERE run = ? ORDER BY started, rowid", [.int(run)]) { s in
        StepRecord(step: text(s, 0) ?? "", host: text(s, 1) ?? "", startedAt: Date(timeIntervalSince1970: sqlite3_column_double(s, 2)),
          outcome: text(s, 3), detail: text(s, 4), code: text(s, 5))
      }
    }
  }

  // MARK: SQLite

  enum Value { case int(Int64), real(Double), text(String), null }

  private func locked<T>(_ body: () throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  private func exec(_ sql: String) throws {
    var error: UnsafeMutablePointer<CChar>?
    guard sqlite3_exec(db, sql, nil, nil, &error) == SQLITE_OK else {
      let message = error.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(error)
      throw JournalError(.unusable, "the run journal \(path): \(message)")
    }
  }

  private func prepare(_ sql: String, _ values: [Value]) throws -> OpaquePointer {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw JournalError(.unusable, "the run journal \(path): \(String(cString: sqlite3_errmsg(db)))")
    }
    // SQLITE_TRANSIENT: SQLite copies the text before the call returns.
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    for (i, v) in values.enumerated() {
      let index = Int32(i + 1)
      switch v {
      case .int(let n): sqlite3_bind_int64(statement, index, n)
      case .real(let d): sqlite3_bind_double(statement, index, d)
      case .text(let t): sqlite3_bind_text(statement, index, t, -1, transient)
      case .null: sqlite3_bind_null(statement, index)
      }
    }
    return statement
  }

  private func run(_ sql: String, _ values: [Value]) throws {
    let statement = try prepare(sql, values)
    defer { sqlite3_finalize(statement) }
    guard sqlite3_step(statement) == SQLITE_DONE else {
      throw JournalError(.unusable, "the run journal \(path): \(String(cString: sqlite3_errmsg(db)))")
    }
  }

  private func query<T>(_ sql: String, _ values: [Value], _ row: (OpaquePointer) -> T) throws -> [T] {
    let statement = try prepare(sql, values)
    defer { sqlite3_finalize(statement) }
    var out: [T] = []
    while true {
      switch sqlite3_step(statement) {
      case SQLITE_ROW: out.append(row(statement))
      case SQLITE_DONE: return out
      default: throw JournalError(.unusable, "the run journal \(path): \(String(cString: sqlite3_errmsg(db)))")
      }
    }
  }
}

private func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
  guard let p = sqlite3_column_text(statement, column) else { return nil }
  return String(cString: p)
}

public enum JournalFailure {}
public typealias JournalError = CodedError<JournalFailure>
extension ErrorCode where Domain == JournalFailure {
  public static let unusable = Self("journal-unusable")
  public static let locked = Self("cluster-locked")
}
