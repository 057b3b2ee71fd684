// The demo's events that change: an online briefing, a visit in another zone, and a meeting cancelled
// after its first reminder went, so a newcomer sees venue times and a cancellation in the first ticks.
import Foundation
import GRDB
import MusterCore

extension DemoDistrict {
    /// Adds `DemoEventChanges` to a demo district just filled (`init --demo`), in one transaction.
    public static func addEventsThatChange(store: Store, now: Date, into summary: inout DemoSummary) throws {
        summary = try store.pool.write { db in
            var s = summary
            try DemoEventChanges(db: db, now: now).add(into: &s)
            return s
        }
    }
}

/// Three district-wide meetings added to the demo (ids 901-903, after the generated calendar):
/// - 901, an online briefing in three days, 19:00: written in each reader's own time;
/// - 902, a twinning visit in Lorient (Europe/Paris) in six days, 18:00 there: written in Paris
///   time, London readers' own time beside it;
/// - 903, a Weymouth meeting in five days whose week-before reminder went two days ago to three
///   members (muster's record of it, and of the meeting as it then was, revision 0), since
///   cancelled: the first tick sends those three and its two registrants a cancellation.
struct DemoEventChanges {
    let db: Database
    let now: Date

    func add(into summary: inout DemoSummary) throws {
        let london = TimeZone.named("Europe/London")!, paris = TimeZone.named("Europe/Paris")!
        func at(_ days: Int, _ minute: Int, _ zone: TimeZone) -> Date {
            LocalTime.instant(epochDay: LocalTime.epochDay(of: now, in: zone) + days, minuteOfDay: minute, in: zone)
        }
        let online = at(3, 19 * 60, london), lorient = at(6, 18 * 60, paris), weymouth = at(5, 17 * 60, london)
        let insert = try db.makeStatement(sql: """
            INSERT INTO events(id, kind, title, starts_at, ends_at, location, url, description, status, timezone, online)
            VALUES (?, 'meeting', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.execute(arguments: [
            901, "Online briefing: the pay offer", ISOTime.format(online), ISOTime.format(online.addingTimeInterval(3600)),
            "Online (Zoom)", "https://example.org/events/901", "What the offer means for you, and your questions.",
            "scheduled", nil, 1,
        ])
        try insert.execute(arguments: [
            902, "Twinning visit: our colleagues in Lorient", ISOTime.format(lorient), ISOTime.format(lorient.addingTimeInterval(7200)),
            "Lorient, Brittany", "https://example.org/events/902", "Meet the Lorient teachers' union; travel is shared.",
            "scheduled", "Europe/Paris", 0,
        ])
        try insert.execute(arguments: [
            903, "District meeting: Weymouth", ISOTime.format(weymouth), ISOTime.format(weymouth.addingTimeInterval(5400)),
            "Weymouth Pavilion", "https://example.org/events/903", "Open to all members in the district.",
            "cancelled", nil, 0,
        ])
        summary.events += 3
        // What muster saw before the cancellation, and the week-before reminder it sent then.
        let sentAt = at(-2, 9 * 60, london)
        try db.execute(sql: """
            INSERT INTO muster_event_revisions(event_id, revision, kind, title, starts_at, ends_at, location, url,
                description, status, online, changed_at, followed_up)
            SELECT id, 0, kind, title, starts_at, ends_at, location, url, description, 'scheduled', online, ?, 0
            FROM events WHERE id = 903
            """, arguments: [ISOTime.format(sentAt)])
        let told = try Row.fetchAll(db, sql: """
            SELECT id, email FROM members WHERE status = 'active' AND email IS NOT NULL AND email_opt_out = 0
            ORDER BY id LIMIT 5
            """)
        for (i, row) in told.enumerated() {
            let member: Int64 = row[0]
            if i >= 3 {
                try db.execute(sql: "INSERT INTO registrations(event_id, member_id, status) VALUES (903, ?, 'registered')",
                               arguments: [member])
                summary.registrations += 1
                continue
            }
            let stamp = ISOTime.format(sentAt)
            try db.execute(sql: """
                INSERT INTO muster_outbox(dedupe_key, rule, step, member_id, event_id, occurrence, topic, state, due_at,
                    expires_at, next_attempt_at, attempts, message_id, recipient, created_at, updated_at, sent_at)
                VALUES (?, 'meeting-reminders', 1, ?, 903, '', 'meetings', 'sent', ?, ?, ?, 1, ?, ?, ?, ?, ?)
                """, arguments: [
                    "meeting-reminders/1/m\(member)/e903/-/", member, stamp, ISOTime.format(weymouth), stamp,
                    "<demo-903-\(member)@example.org>", row[1] as String, stamp, stamp, stamp,
                ])
        }
    }
}
