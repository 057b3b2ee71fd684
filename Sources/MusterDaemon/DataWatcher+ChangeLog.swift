// The change log: triggers that note which members other programs touched, so the daemon plans only them.
import Foundation
import GRDB
import MusterStore

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
/// registered as a migration (`Schema.registerChangeLog`) once the lead wires it.
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
}

extension Schema {
    /// The change log as a migration, for the lead to wire into `Schema.migrator`.
    public static func registerChangeLog(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-change-log") { db in try ChangeLog.install(db) }
    }
}
