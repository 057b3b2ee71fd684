// The change log: triggers that note which members other programs touched, so the daemon plans only them.
import Foundation
import GRDB

/// `muster_changes`, filled by triggers on the district's tables, read and emptied by the daemon.
///
/// A row names a member (`kind = 'member'`, `ref` = the member id) when a member, their
/// registration, ballot place or rep role is inserted or updated (or a registration or rep role
/// deleted: that can put them into an audience). Any change to events, ballots or workplaces is
/// logged as that kind: it can matter to many members, so the daemon plans everything then.
///
/// Triggers live in the database file, so every writer fires them: `muster import`, the `sqlite3`
/// CLI, a membership system's sync job. `seq` is AUTOINCREMENT, so it never goes back even after
/// the daemon deletes what it has planned.
///
/// `install` is idempotent (`IF NOT EXISTS`): the daemon calls it at start-up. The same SQL can be
/// registered as a migration (`Schema.registerChangeLog`) once the lead wires it. The daemon reads
/// the log through a `ChangeLogReader`, a read-only connection of its own.
public enum ChangeLog {
    /// Tables whose rows concern one member, and that member's column.
    static let memberTables: [(table: String, column: String, onDelete: Bool)] = [
        ("members", "id", false),
        ("registrations", "member_id", true),
        ("ballot_members", "member_id", false),
        ("reps", "member_id", true),
    ]
    /// Tables whose rows can concern many members: a change plans everything.
    static let sharedTables: [(table: String, kind: String)] = [
        ("events", "event"), ("ballots", "ballot"), ("workplaces", "workplace"),
    ]

    /// The DDL: the table and one trigger per table and operation.
    public static var sql: String {
        var s = """
            CREATE TABLE IF NOT EXISTS muster_changes(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                ref INTEGER
            );

            """
        for (table, column, onDelete) in memberTables {
            var ops = [("INSERT", "NEW"), ("UPDATE", "NEW")]
            if onDelete { ops.append(("DELETE", "OLD")) }
            for (op, row) in ops {
                s += """
                    CREATE TRIGGER IF NOT EXISTS muster_changes_\(table)_\(op.lowercased()) AFTER \(op) ON \(table)
                    BEGIN INSERT INTO muster_changes(kind, ref) VALUES ('member', \(row).\(column)); END;

                    """
            }
        }
        for (table, kind) in sharedTables {
            for (op, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                s += """
                    CREATE TRIGGER IF NOT EXISTS muster_changes_\(table)_\(op.lowercased()) AFTER \(op) ON \(table)
                    BEGIN INSERT INTO muster_changes(kind, ref) VALUES ('\(kind)', \(row).id); END;

                    """
            }
        }
        return s
    }

    /// Creates the change log and its triggers if they are missing.
    public static func install(_ db: Database) throws {
        try db.execute(sql: sql)
    }

    /// Deletes the entries up to and including `seq`: they have been planned.
    public static func forget(through seq: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM muster_changes WHERE seq <= ?", arguments: [seq])
    }

    /// The same, in its own transaction.
    public static func forget(through seq: Int64, in store: Store) throws {
        try store.pool.write { db in try forget(through: seq, db) }
    }

    /// The latest entry's `seq`, 0 when none was ever written.
    public static func latest(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'muster_changes'") ?? 0
    }

    /// The latest entry's `seq` in its own read; 0 when the log is not installed or never written.
    public static func latest(in store: Store) throws -> Int64 {
        try store.pool.read { db in
            try db.tableExists("sqlite_sequence") ? try latest(db) : 0
        }
    }

    /// Installs the log if missing (in its own transaction) and returns its latest `seq`.
    public static func installed(in store: Store) throws -> Int64 {
        try store.pool.write { db in
            try install(db)
            return try latest(db)
        }
    }

    /// One entry of the log.
    public struct Entry: Sendable, Hashable {
        public var seq: Int64
        /// `member`, `event`, `ballot` or `workplace`.
        public var kind: String
        /// The member's (or event's, ballot's, workplace's) id.
        public var ref: Int64?

        public init(seq: Int64, kind: String, ref: Int64?) { self.seq = seq; self.kind = kind; self.ref = ref }
    }

    /// Entries after `seq`, oldest first, at most `limit`, read in one transaction.
    public struct Page: Sendable, Hashable {
        public var entries: [Entry]
        /// The log's latest `seq` when the page is full (more may wait); nil otherwise.
        public var latestWhenFull: Int64?
    }

    static func page(after seq: Int64, limit: Int, _ db: Database) throws -> Page {
        var entries: [Entry] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT seq, kind, ref FROM muster_changes WHERE seq > ? ORDER BY seq LIMIT ?
            """, arguments: [seq, limit])
        while let row = try rows.next() { entries.append(Entry(seq: row[0], kind: row[1], ref: row[2])) }
        return Page(entries: entries, latestWhenFull: entries.count == limit ? try latest(db) : nil)
    }
}

/// A read-only connection of its own to the database, for watching the change log.
///
/// `PRAGMA data_version` is per connection: it changes when *another* connection commits. So the
/// reader never writes, and `dataVersion()` costs a few microseconds, no file read beyond the WAL
/// index; only when it moved is the log read (`page(after:limit:)`).
///
///     let reader = try ChangeLogReader(path: store.path)
///     let v = try reader.dataVersion()
///     let page = try reader.page(after: seen, limit: 20_000)
public final class ChangeLogReader: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        config.label = "muster-watcher"
        queue = try DatabaseQueue(path: path, configuration: config)
    }

    /// `PRAGMA data_version` on this connection: it moves when another connection commits.
    public func dataVersion() throws -> Int64 {
        try queue.inDatabase { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// Entries after `seq`, at most `limit`, in one read transaction.
    public func page(after seq: Int64, limit: Int) throws -> ChangeLog.Page {
        try queue.read { db in try ChangeLog.page(after: seq, limit: limit, db) }
    }
}

extension Schema {
    /// The change log as a migration, for the lead to wire into `Schema.migrator`.
    public static func registerChangeLog(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-change-log") { db in try ChangeLog.install(db) }
    }
}
