// Reading the figures of `muster report` in one read transaction: workplaces, members by workplace
// and section, ballots, events, months (from snapshots, or reckoned from joined_on), sections.
import Foundation
import GRDB
import MusterCore

extension Store {
    /// The report's figures at `now` for the last `months` calendar months (this one included),
    /// days reckoned in `zone`.
    public func reportInput(organisation: String, now: Date, zone: TimeZone, months: Int) throws -> ReportInput {
        try pool.read { db in
            try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY")
            return try ReportReader(db: db, now: now, zone: zone, months: max(1, months)).read(organisation: organisation)
        }
    }
}

struct ReportReader {
    let db: Database
    let now: Date
    let zone: TimeZone
    let months: Int
    let today: LocalDay
    let monthStarts: [LocalDay]

    init(db: Database, now: Date, zone: TimeZone, months: Int) {
        self.db = db; self.now = now; self.zone = zone; self.months = months
        today = LocalTime.day(of: now, in: zone)
        var starts: [LocalDay] = []
        var (y, m) = (today.year, today.month)
        for _ in 0..<months {
            starts.insert(LocalDay(year: y, month: m, day: 1), at: 0)
            m -= 1
            if m == 0 { m = 12; y -= 1 }
        }
        monthStarts = starts
    }

    var periodStart: LocalDay { monthStarts[0] }
    /// The period's first instant, for comparing with ISO 8601 times in UTC.
    var periodStartISO: String { ISOTime.format(LocalTime.midnight(periodStart, in: zone)) }

    func read(organisation: String) throws -> ReportInput {
        let counts = try memberCounts()
        let historySince = try String.fetchOne(db, sql: "SELECT min(day) FROM muster_snapshots").flatMap(LocalDay.init)
        return ReportInput(
            organisation: organisation, now: now, zone: zone, periodStart: periodStart,
            workplaces: try workplaces(), cells: counts.cells, ballots: try ballots(), events: try events(),
            months: try monthRows(historySince: historySince), series: try series(historySince: historySince),
            sections: try sections(counts.bySection), active: counts.byStatus["active"] ?? 0, lapsed: counts.byStatus["lapsed"] ?? 0,
            left: counts.byStatus["left"] ?? 0, historySince: historySince)
    }

    /// Members counted by status, workplace and section in one scan of `members_report`.
    struct MemberCounts {
        var cells: [ReportCell] = []
        var byStatus: [String: Int] = [:]
        var bySection: [String: [String: Int]] = [:]
    }

    func memberCounts() throws -> MemberCounts {
        let since = today.adding(days: -90).description
        var out = MemberCounts()
        struct Key: Hashable { var workplace: Int64?; var section: String? }
        var reps: [Key: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT m.workplace_id, m.section, count(DISTINCT m.id) FROM reps r JOIN members m ON m.id = r.member_id
            WHERE m.status = 'active' GROUP BY 1, 2
            """) {
            reps[Key(workplace: row[0], section: row[1])] = row[2]
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT status, workplace_id, section, count(*), count(*) FILTER (WHERE joined_on > ?)
            FROM members GROUP BY workplace_id, status, section
            """, arguments: [since])
        while let row = try rows.next() {
            let status: String = row[0], workplace: Int64? = row[1], section: String? = row[2], n: Int = row[3]
            out.byStatus[status, default: 0] += n
            out.bySection[section ?? "(no section)", default: [:]][status, default: 0] += n
            if status == "active" {
                out.cells.append(ReportCell(workplaceID: workplace, section: section, active: n, newStarters: row[4],
                                            reps: reps[Key(workplace: workplace, section: section)] ?? 0))
            }
        }
        return out
    }

    func workplaces() throws -> [ReportWorkplace] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT w.id, w.name, w.kind, w.town, w.region, w.staff_count,
                   (SELECT count(DISTINCT r.member_id) FROM reps r JOIN members m ON m.id = r.member_id
                    WHERE r.workplace_id = w.id AND m.status = 'active')
            FROM workplaces w ORDER BY w.id
            """)
        return rows.map { ReportWorkplace(id: $0[0], name: $0[1], kind: $0[2], town: $0[3], region: $0[4], staffCount: $0[5], reps: $0[6]) }
    }

    func ballots() throws -> [ReportBallot] {
        let nowISO = ISOTime.format(now)
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, title, opens_at, closes_at, turnout_threshold FROM ballots
            WHERE opens_at <= ?1 AND closes_at >= ?2 ORDER BY closes_at, id
            """, arguments: [nowISO, periodStartISO])
        return try rows.compactMap { row in
            guard let opens = ISOTime.parseInstant(row[2]), let closes = ISOTime.parseInstant(row[3]) else { return nil }
            let id: Int64 = row[0]
            let cells = try Row.fetchAll(db, sql: """
                SELECT m.workplace_id, m.section, count(*), count(bm.voted_at)
                FROM ballot_members bm JOIN members m ON m.id = bm.member_id
                WHERE bm.ballot_id = ? GROUP BY m.workplace_id, m.section
                """, arguments: [id]).map { ReportBallot.Cell(workplaceID: $0[0], section: $0[1], eligible: $0[2], voted: $0[3]) }
            return ReportBallot(id: id, title: row[1], opensAt: opens, closesAt: closes, threshold: row[4], cells: cells)
        }
    }

    /// Events from the period's start to 60 days ahead.
    func events() throws -> [ReportEvent] {
        let until = ISOTime.format(now.addingTimeInterval(60 * 86_400))
        let everyone = try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE status = 'active'") ?? 0
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.id, e.kind, e.title, e.starts_at, w.name,
                   CASE WHEN e.workplace_id IS NULL THEN NULL
                        ELSE (SELECT count(*) FROM members m WHERE m.workplace_id = e.workplace_id AND m.status = 'active') END,
                   (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status IN ('registered', 'attended')),
                   (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'attended')
            FROM events e LEFT JOIN workplaces w ON w.id = e.workplace_id
            WHERE e.starts_at >= ?1 AND e.starts_at <= ?2 ORDER BY e.starts_at, e.id
            """, arguments: [periodStartISO, until])
        return rows.compactMap { row in
            guard let starts = ISOTime.parseInstant(row[3]) else { return nil }
            let invited: Int? = row[5]
            return ReportEvent(id: row[0], kind: row[1], title: row[2], startsAt: starts, workplace: row[4],
                               invited: invited ?? everyone, registered: row[6], attended: row[7])
        }
    }

    /// Joined (from joined_on), left (recorded changes out of active) and active at each month's end:
    /// the last snapshot of the month, or an estimate from joined_on before the first snapshot.
    func monthRows(historySince: LocalDay?) throws -> [ReportMonth] {
        var out: [ReportMonth] = []
        let liveActive = try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE status = 'active'") ?? 0
        for (k, start) in monthStarts.enumerated() {
            let next = k + 1 < monthStarts.count ? monthStarts[k + 1] : LocalDay(epochDay: start.epochDay + LocalDay.daysIn(month: start.month, year: start.year))
            let end = min(next.adding(days: -1), today)
            let startISO = ISOTime.format(LocalTime.midnight(start, in: zone))
            let nextISO = ISOTime.format(LocalTime.midnight(next, in: zone))
            let joined = try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE joined_on >= ? AND joined_on < ?",
                                          arguments: [start.description, next.description]) ?? 0
            let left = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM muster_status_changes
                WHERE at >= ? AND at < ? AND from_status = 'active' AND to_status IN ('lapsed', 'left')
                """, arguments: [startISO, nextISO]) ?? 0
            let month = String(start.description.prefix(7))
            if end == today {
                out.append(ReportMonth(month: month, joined: joined, left: left, activeAtEnd: liveActive, estimate: false))
            } else if let historySince, historySince <= end,
                      let snapDay = try String.fetchOne(db, sql: "SELECT max(day) FROM muster_snapshots WHERE day <= ? AND day >= ?",
                                                       arguments: [end.description, start.description]) {
                let active = try Int.fetchOne(db, sql: "SELECT sum(active) FROM muster_snapshots WHERE day = ?", arguments: [snapDay]) ?? 0
                out.append(ReportMonth(month: month, joined: joined, left: left, activeAtEnd: active, estimate: false))
            } else {
                out.append(ReportMonth(month: month, joined: joined, left: left, activeAtEnd: try estimatedActive(at: end), estimate: true))
            }
        }
        return out
    }

    /// Members who had joined by `day` and were active then, as far as muster can tell: active now
    /// (with no recorded change since that day), or recorded leaving active after it.
    func estimatedActive(at day: LocalDay) throws -> Int {
        let after = ISOTime.format(LocalTime.midnight(day.adding(days: 1), in: zone))
        return try Int.fetchOne(db, sql: """
            SELECT count(*) FROM members m WHERE m.joined_on <= ?1 AND (
                m.status = 'active' OR EXISTS (SELECT 1 FROM muster_status_changes c
                    WHERE c.member_id = m.id AND c.from_status = 'active' AND c.at >= ?2))
            """, arguments: [day.description, after]) ?? 0
    }

    /// Active members per day over the period: weekly from the snapshots (every day when the period
    /// is short), month ends estimated before them, and today.
    func series(historySince: LocalDay?) throws -> [ReportPoint] {
        var points: [ReportPoint] = []
        for (k, start) in monthStarts.enumerated() where k + 1 < monthStarts.count {
            let end = monthStarts[k + 1].adding(days: -1)
            if historySince.map({ end < $0 }) ?? true {
                points.append(ReportPoint(day: end, active: try estimatedActive(at: end), estimate: true))
            }
            _ = start
        }
        let every = months > 3 ? 7 : 1
        let rows = try Row.fetchAll(db, sql: """
            SELECT day, sum(active) FROM muster_snapshots WHERE day >= ? GROUP BY day ORDER BY day
            """, arguments: [periodStart.description])
        for (k, row) in rows.enumerated() where k % every == 0 || k == rows.count - 1 {
            guard let day = LocalDay(row[0] as String) else { continue }
            points.append(ReportPoint(day: day, active: row[1], estimate: false))
        }
        if points.last?.day != today {
            let live = try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE status = 'active'") ?? 0
            points.append(ReportPoint(day: today, active: live, estimate: false))
        }
        return points.sorted { $0.day < $1.day }
    }

    func sections(_ counts: [String: [String: Int]]) throws -> [ReportSectionCount] {
        var entered: [String: (Int, Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT e.section, count(*), count(*) FILTER (WHERE m.status = 'active')
            FROM muster_section_entries e JOIN members m ON m.id = e.member_id
            WHERE e.baseline = 0 AND e.entered_at >= ? GROUP BY e.section
            """, arguments: [periodStartISO]) {
            entered[row[0]] = (row[1], row[2])
        }
        return counts.map { name, by in
            let e = entered[name] ?? (0, 0)
            return ReportSectionCount(section: name, active: by["active"] ?? 0, lapsed: by["lapsed"] ?? 0, left: by["left"] ?? 0,
                                      entered: e.0, enteredStillActive: e.1)
        }.sorted { ($0.active, $1.section) > ($1.active, $0.section) }
    }
}
