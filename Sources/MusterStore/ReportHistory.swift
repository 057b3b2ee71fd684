// The district's history as muster sees it: a daily snapshot per workplace, and the status and
// section changes a pass notices, so that `muster report` can draw the months behind today.
import Foundation
import GRDB
import MusterCore

extension Schema {
    /// Migration "v8-report": `workplaces.region`, the daily snapshot, and what muster last saw of
    /// each member (to notice changes that another program made).
    ///
    /// - `muster_snapshots(day, workplace_id, active, reps)`: one row per local day (the
    ///   organisation's zone) and workplace, written by the first pass of the day; `workplace_id`
    ///   0 holds the members with no workplace.
    /// - `muster_member_seen(member_id, status, section)`: the status and section the last pass saw.
    /// - `muster_section_entries(member_id, section, entered_at, baseline)`: when muster first saw a
    ///   member in a section; `baseline` 1 for those already there when history began.
    /// - `members_report`: a covering index, so that the report counts half a million members by
    ///   workplace, status and section in one ordered scan (no sort). Workplace first: with status
    ///   first, SQLite took it for every planning query's `status = 'active'` and looked up each
    ///   member's row through it, four times slower than the table scan it replaced (bench/plan.sh).
    static func registerReportHistory(_ m: inout DatabaseMigrator) {
        m.registerMigration("v8-report", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                ALTER TABLE workplaces ADD COLUMN region TEXT;
                CREATE TABLE muster_snapshots(
                    day TEXT NOT NULL,
                    workplace_id INTEGER NOT NULL,
                    active INTEGER NOT NULL,
                    reps INTEGER NOT NULL,
                    PRIMARY KEY (day, workplace_id)
                ) WITHOUT ROWID;
                CREATE TABLE muster_member_seen(
                    member_id INTEGER PRIMARY KEY,
                    status TEXT,
                    section TEXT
                );
                CREATE TABLE muster_section_entries(
                    member_id INTEGER NOT NULL,
                    section TEXT NOT NULL,
                    entered_at TEXT NOT NULL,
                    baseline INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (member_id, section)
                ) WITHOUT ROWID;
                CREATE INDEX muster_section_entries_recent ON muster_section_entries(baseline, entered_at);
                CREATE INDEX members_report ON members(workplace_id, status, section, joined_on);
                """)
        }
    }
}

/// What a pass wrote into the history: a snapshot (on the first pass of a day) and changes seen.
public struct HistoryNote: Sendable, Equatable {
    /// The local day a snapshot was written for; nil when today's already existed.
    public var snapshotDay: LocalDay?
    /// Status changes recorded (those an import had already recorded are not counted twice).
    public var statusChanges = 0
    /// Members seen in a section they were not in before.
    public var sectionEntries = 0
}

/// Which members a history pass compares with what muster last saw.
public enum HistoryScope: Sendable, Equatable {
    case everyone
    case members([Int64])
    case nobody
}

extension Store {
    /// The source recorded for a status change that a pass noticed (another program made it).
    public static let seenByPassSource = "seen by a pass"

    /// Records the day's snapshot if none exists for `now`'s local day in `zone`, and the status and
    /// section changes of the members in `scope` since the last pass saw them. One transaction.
    ///
    /// The first time ever, every member is taken as a baseline: nothing is recorded as a change.
    /// A change an import already recorded (the member's latest recorded change leads to the status
    /// now held) is not recorded again.
    @discardableResult
    public func recordHistory(now: Date, zone: TimeZone, scope: HistoryScope) throws -> HistoryNote {
        if scope == .nobody {
            // A delivery-only turn of the daemon: no write transaction unless the day needs its snapshot.
            let day = LocalTime.day(of: now, in: zone).description
            let started = try pool.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM muster_snapshots WHERE day = ?)
                       AND EXISTS (SELECT 1 FROM muster_meta WHERE key = 'history_started_at')
                    """, arguments: [day]) ?? false
            }
            if started { return HistoryNote() }
        }
        return try pool.write { db in try Self.recordHistory(db, now: now, zone: zone, scope: scope) }
    }

    static func recordHistory(_ db: Database, now: Date, zone: TimeZone, scope: HistoryScope) throws -> HistoryNote {
        var note = HistoryNote()
        let day = LocalTime.day(of: now, in: zone)
        let at = ISOTime.format(now)
        let started = try String.fetchOne(db, sql: "SELECT value FROM muster_meta WHERE key = 'history_started_at'")
        if started == nil {
            try db.execute(sql: """
                INSERT INTO muster_member_seen(member_id, status, section) SELECT id, status, section FROM members;
                INSERT OR IGNORE INTO muster_section_entries(member_id, section, entered_at, baseline)
                    SELECT id, section, ?, 1 FROM members WHERE section IS NOT NULL;
                INSERT INTO muster_meta(key, value) VALUES ('history_started_at', ?);
                """, arguments: [at, at])
        } else if scope != .nobody {
            var only = ""
            if case .members(let ids) = scope {
                guard !ids.isEmpty else { return note }
                only = " AND m.id IN (\(ids.map(String.init).joined(separator: ",")))"
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.id, s.member_id IS NOT NULL, s.status, m.status, s.section, m.section,
                       (SELECT c.to_status FROM muster_status_changes c WHERE c.member_id = m.id ORDER BY c.id DESC LIMIT 1)
                FROM members m LEFT JOIN muster_member_seen s ON s.member_id = m.id
                WHERE (s.member_id IS NULL OR s.status IS NOT m.status OR s.section IS NOT m.section)\(only)
                ORDER BY m.id
                """)
            let change = try db.makeStatement(sql: """
                INSERT INTO muster_status_changes(member_id, from_status, to_status, at, source) VALUES (?, ?, ?, ?, ?)
                """)
            let seen = try db.makeStatement(sql: "INSERT OR REPLACE INTO muster_member_seen(member_id, status, section) VALUES (?, ?, ?)")
            let entry = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO muster_section_entries(member_id, section, entered_at, baseline) VALUES (?, ?, ?, 0)
                """)
            for row in rows {
                let id: Int64 = row[0]
                let known: Bool = row[1]
                let was: String? = row[2], status: String? = row[3]
                let wasSection: String? = row[4], section: String? = row[5]
                let latestRecorded: String? = row[6]
                if known, was != status, let status, latestRecorded != status {
                    try change.execute(arguments: [id, was, status, at, Self.seenByPassSource])
                    note.statusChanges += 1
                }
                if let section, !known || wasSection != section {
                    try entry.execute(arguments: [id, section, at])
                    if db.changesCount > 0 { note.sectionEntries += 1 }
                }
                try seen.execute(arguments: [id, status, section])
            }
        }
        let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM muster_snapshots WHERE day = ?)", arguments: [day.description]) ?? false
        if !exists {
            try db.execute(sql: """
                INSERT INTO muster_snapshots(day, workplace_id, active, reps)
                SELECT ?1, w, sum(a), sum(r) FROM (
                    SELECT ifnull(workplace_id, 0) AS w, count(*) AS a, 0 AS r FROM members WHERE status = 'active' GROUP BY 1
                    UNION ALL
                    SELECT workplace_id, 0, count(DISTINCT member_id) FROM reps GROUP BY 1
                ) GROUP BY w
                """, arguments: [day.description])
            note.snapshotDay = day
        }
        return note
    }
}
