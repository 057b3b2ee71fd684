// Eighteen months of the demo district's past, so that `muster report` on a fresh demo has a story:
// daily snapshots, status changes with a dip, a recruitment drive, staff counts and regions.
import Foundation
import GRDB
import MusterCore

/// Writes the demo's history into a district `DemoBuilder` has just made (same transaction).
///
/// - Regions from the towns (Dorset's old districts); staff counts for about nine workplaces in ten,
///   set so that density runs from about 30% to 95%.
/// - A recruitment drive: about one active member in sixteen joined in a six-week window four to
///   five months ago (their `joined_on` moved there).
/// - Status changes for most lapsed and left members within the 18 months, a third of them in a
///   dip of eight weeks about eleven months ago; the others left before muster's history began.
/// - A snapshot per day and workplace (every few days in a very large demo), reckoned from those
///   dates, up to yesterday: the first pass writes today's.
/// - Section entries: some leadership members were promoted in the period; a few have since lapsed.
/// - `muster_member_seen` holds today's statuses, so the first pass records no change.
/// - Five officers: active members whose `role` is their union office (`district secretary` ...),
///   whom `schedules/officers-monthly.yaml` mails the report.
enum DemoHistory {
    static let days = 548
    static let source = "demo history"

    static let regions: [String: String] = [
        "Dorchester": "West Dorset", "Bridport": "West Dorset", "Lyme Regis": "West Dorset", "Beaminster": "West Dorset",
        "Charmouth": "West Dorset", "Puddletown": "West Dorset", "Crossways": "West Dorset",
        "Weymouth": "Weymouth and Portland", "Portland": "Weymouth and Portland",
        "Sherborne": "North Dorset", "Blandford Forum": "North Dorset", "Shaftesbury": "North Dorset",
        "Gillingham": "North Dorset", "Sturminster Newton": "North Dorset",
        "Swanage": "Purbeck", "Wareham": "Purbeck", "Corfe Mullen": "East Dorset",
        "Wimborne Minster": "East Dorset", "Verwood": "East Dorset", "Ferndown": "East Dorset",
    ]

    /// The officer roles `schedules/officers-monthly.yaml` names.
    static let officerRoles = ["district secretary", "district president", "district treasurer", "organising officer", "membership secretary"]

    static func write(_ db: Database, seed: UInt64, now: Date) throws {
        try officers(db)
        try history(db, seed: seed, now: now)
    }

    /// Five active teachers with an address (past the first twenty members) hold the district's offices.
    static func officers(_ db: Database) throws {
        let ids = try Int64.fetchAll(db, sql: """
            SELECT id FROM members WHERE status = 'active' AND email IS NOT NULL AND email_opt_out = 0
              AND section = 'teachers' AND id > 20 ORDER BY id LIMIT ?
            """, arguments: [officerRoles.count])
        for (id, role) in zip(ids, officerRoles) {
            try db.execute(sql: "UPDATE members SET role = ? WHERE id = ?", arguments: [role, id])
        }
    }

    static func history(_ db: Database, seed: UInt64, now: Date) throws {
        var random = DemoRandom(seed: seed ^ 0x5EED_0F_415_70E1)
        let zone = TimeZone.named("Europe/London")!
        let today = LocalTime.epochDay(of: now, in: zone)
        let first = today - days

        // Regions, and staff counts from each workplace's members (density 30% to 95%), a tenth unknown.
        let memberCounts = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
            SELECT w.id, w.town, (SELECT count(*) FROM members m WHERE m.workplace_id = w.id AND m.status = 'active') FROM workplaces w
            """).map { ($0[0] as Int64, ($0[1] as String?, $0[2] as Int)) })
        let setWorkplace = try db.makeStatement(sql: "UPDATE workplaces SET region = ?, staff_count = ? WHERE id = ?")
        for (id, (town, active)) in memberCounts.sorted(by: { $0.key < $1.key }) {
            let density = 0.3 + Double(random.below(66)) / 100
            let staff: Int? = id != 1 && random.chance(0.1) ? nil : max(active + 1, Int((Double(active) / density).rounded()))
            try setWorkplace.execute(arguments: [town.flatMap { regions[$0] }, staff, id])
        }

        // The recruitment drive: joined_on moved into a six-week window four to five months ago.
        let driveStart = today - 150
        let recent = LocalDay(epochDay: today - 8).description
        let moveJoin = try db.makeStatement(sql: "UPDATE members SET joined_on = ? WHERE id = ?")
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM members WHERE status = 'active' AND joined_on < ? ORDER BY id", arguments: [recent])
        where random.chance(0.0625) {
            try moveJoin.execute(arguments: [LocalDay(epochDay: driveStart + random.below(42)).description, id])
        }

        // Leaving: most of the lapsed and left within the period, a third of those in the dip.
        let dipStart = today - 345
        let change = try db.makeStatement(sql: """
            INSERT INTO muster_status_changes(member_id, from_status, to_status, at, source) VALUES (?, 'active', ?, ?, ?)
            """)
        struct Life { var workplace: Int64; var joined: Int; var leaves: Int }  // leaves: first day not active
        var lives: [Life] = []
        let rows = try Row.fetchAll(db, sql: "SELECT id, ifnull(workplace_id, 0), status, joined_on FROM members ORDER BY id")
        lives.reserveCapacity(rows.count)
        for row in rows {
            let id: Int64 = row[0], status: String = row[2]
            let joined = (row[3] as String?).flatMap(LocalDay.init)?.epochDay ?? first
            var leaves = Int.max
            if status != "active" {
                if random.chance(0.8) {
                    let day = random.chance(0.33) ? dipStart + random.below(56) : first + 1 + random.below(days - 2)
                    leaves = max(day, joined + 30)
                    if leaves >= today { leaves = today - 1 }
                    let at = LocalTime.instant(epochDay: leaves, minuteOfDay: 6 * 60 + random.below(600), in: zone)
                    try change.execute(arguments: [id, status, ISOTime.format(at), Self.source])
                } else {
                    leaves = first - 1
                }
            }
            lives.append(Life(workplace: row[1], joined: joined, leaves: leaves))
        }

        // Snapshots: active per workplace and day from those lives; reps as today.
        let reps = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
            SELECT workplace_id, count(DISTINCT member_id) FROM reps GROUP BY workplace_id
            """).map { ($0[0] as Int64, $0[1] as Int) })
        let workplaces = Set(lives.map(\.workplace)).union(reps.keys).sorted()
        let index = Dictionary(uniqueKeysWithValues: workplaces.enumerated().map { ($1, $0) })
        // delta[w][d]: change in active members at workplace w on day first + d.
        var delta = Array(repeating: Array(repeating: 0, count: days + 1), count: workplaces.count)
        var base = Array(repeating: 0, count: workplaces.count)
        for l in lives {
            let w = index[l.workplace]!
            let from = max(l.joined, first), until = min(l.leaves, today)
            guard from < until else { continue }
            if from == first { base[w] += 1 } else { delta[w][from - first] += 1 }
            if until < today { delta[w][until - first] -= 1 }
        }
        let stride = max(1, workplaces.count * days / 1_500_000)
        let snap = try db.makeStatement(sql: "INSERT INTO muster_snapshots(day, workplace_id, active, reps) VALUES (?, ?, ?, ?)")
        var running = base
        for d in 0..<days {
            for w in workplaces.indices { running[w] += delta[w][d] }
            guard d % stride == 0 || d == days - 1 else { continue }
            let day = LocalDay(epochDay: first + d).description
            for (w, id) in workplaces.enumerated() where running[w] > 0 || reps[id] != nil {
                try snap.execute(arguments: [day, id, running[w], reps[id] ?? 0])
            }
        }

        // Section entries: baseline for everyone; some of leadership promoted within the period.
        let started = ISOTime.format(LocalTime.instant(epochDay: first, minuteOfDay: 7 * 60, in: zone))
        try db.execute(sql: """
            INSERT INTO muster_member_seen(member_id, status, section) SELECT id, status, section FROM members;
            INSERT INTO muster_section_entries(member_id, section, entered_at, baseline)
                SELECT id, section, ?, 1 FROM members WHERE section IS NOT NULL;
            INSERT INTO muster_meta(key, value) VALUES ('history_started_at', ?);
            """, arguments: [started, started])
        let promote = try db.makeStatement(sql: """
            UPDATE muster_section_entries SET baseline = 0, entered_at = ? WHERE member_id = ? AND section = 'leadership'
            """)
        for row in try Row.fetchAll(db, sql: "SELECT id, status, joined_on FROM members WHERE section = 'leadership' ORDER BY id") {
            let status: String = row[1]
            guard random.chance(status == "active" ? 0.2 : 0.35) else { continue }
            let joined = (row[2] as String?).flatMap(LocalDay.init)?.epochDay ?? first
            let day = max(first + 1 + random.below(days - 10), joined)
            guard day < today else { continue }
            try promote.execute(arguments: [ISOTime.format(LocalTime.instant(epochDay: day, minuteOfDay: 8 * 60, in: zone)), row[0] as Int64])
        }
    }
}
