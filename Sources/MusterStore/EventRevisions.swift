// Events that change: what muster last saw of each event, its revision, and who must hear of a change.
import Foundation
import GRDB
import MusterCore

/// `muster_event_revisions`: one row per event muster has seen, with the details it last saw.
///
/// `observe(now:)` compares every event with its row. The first sighting is revision 0 and says
/// nothing. After that the revision rises by one when the start, end, location or status differs
/// (compared as instants and trimmed text, so `+00:00` against `Z` is no change), or when the row is
/// gone (a deleted event is a cancelled one); a new title or description is taken in without a new
/// revision. The previous start, end, location and status are kept for the notice ("from ... to").
///
///     let revisions = EventRevisions(store)
///     try revisions.observe(now: now)                 // every pass, before planning
///     for change in try revisions.pending() { ... }    // notices to plan, reminders to mend
///     try revisions.markFollowedUp(change)
public struct EventRevisions: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { pool = store.pool }

    /// Records what changed since the last look, and returns how many revisions rose.
    @discardableResult
    public func observe(now: Date) throws -> Int {
        try pool.write { db in try Self.observe(db, now: now) }
    }

    static func observe(_ db: Database, now: Date) throws -> Int {
        let stamp = ISOTime.format(now)
        var seen: [Int64: Row] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT event_id, revision, starts_at, ends_at, location, status FROM muster_event_revisions") {
            seen[row[0]] = row
        }
        var rose = 0
        var present = Set<Int64>()
        // An event whose start cannot be read is neither planned nor observed.
        let events = try Row.fetchAll(db, sql: "SELECT \(EventRows.columns) FROM events").compactMap { try? EventRows.decode($0, endOptional: true) }
        for e in events {
            present.insert(e.id)
            let snapshot: StatementArguments = [
                e.kind, e.title, ISOTime.format(e.startsAt), e.endsAt.map(ISOTime.format), e.location, e.url,
                e.workplaceID, e.description, e.status.rawValue, e.timezone, e.online ? 1 : 0,
            ]
            guard let old = seen[e.id] else {
                try db.execute(sql: """
                    INSERT INTO muster_event_revisions(event_id, revision, kind, title, starts_at, ends_at, location, url,
                        workplace_id, description, status, timezone, online, changed_at, followed_up)
                    VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                    """, arguments: [e.id] + snapshot + [stamp])
                continue
            }
            let oldStart = (old[2] as String?).flatMap(ISOTime.parseInstant)
            let oldEnd = (old[3] as String?).flatMap(ISOTime.parseInstant)
            let oldLocation = Self.place(old[4])
            let oldStatus: String = old[5]
            let changed = oldStart != e.startsAt || oldEnd != e.endsAt || oldLocation != Self.place(e.location)
                || oldStatus != e.status.rawValue
            if changed {
                rose += 1
                try db.execute(sql: """
                    UPDATE muster_event_revisions SET revision = revision + 1,
                        previous_starts_at = starts_at, previous_ends_at = ends_at, previous_location = location,
                        previous_status = status, changed_at = ?
                    WHERE event_id = ?
                    """, arguments: [stamp, e.id])
            }
            // Written only when some detail differs: a pass over unchanged events writes nothing.
            try db.execute(sql: """
                UPDATE muster_event_revisions SET kind = ?1, title = ?2, starts_at = ?3, ends_at = ?4, location = ?5, url = ?6,
                    workplace_id = ?7, description = ?8, status = ?9, timezone = ?10, online = ?11
                WHERE event_id = ?12 AND NOT (kind IS ?1 AND title IS ?2 AND starts_at IS ?3 AND ends_at IS ?4
                    AND location IS ?5 AND url IS ?6 AND workplace_id IS ?7 AND description IS ?8 AND status IS ?9
                    AND timezone IS ?10 AND online IS ?11)
                """, arguments: snapshot + [e.id])
        }
        for (id, row) in seen where !present.contains(id) && (row[5] as String) != EventStatus.cancelled.rawValue {
            rose += 1
            try db.execute(sql: """
                UPDATE muster_event_revisions SET revision = revision + 1,
                    previous_starts_at = starts_at, previous_ends_at = ends_at, previous_location = location,
                    previous_status = status, status = 'cancelled', changed_at = ?
                WHERE event_id = ?
                """, arguments: [stamp, id])
        }
        return rose
    }

    /// A location as compared: trimmed, empty as none.
    static func place(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    /// Changes whose notices are not yet planned (revision above `followed_up`), oldest first.
    public func pending() throws -> [EventChange] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM muster_event_revisions WHERE revision > followed_up ORDER BY changed_at, event_id")
                .compactMap(Self.change)
        }
    }

    /// The latest revision of one event, or nil when muster has not seen it.
    public func change(eventID: Int64) throws -> EventChange? {
        try pool.read { db in try Self.change(db, eventID: eventID) }
    }

    static func change(_ db: Database, eventID: Int64) throws -> EventChange? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM muster_event_revisions WHERE event_id = ?", arguments: [eventID])
            .flatMap(change)
    }

    /// Notes that `change`'s notices are planned and its queued reminders mended.
    public func markFollowedUp(_ change: EventChange) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE muster_event_revisions SET followed_up = max(followed_up, ?) WHERE event_id = ?",
                           arguments: [change.revision, change.event.id])
        }
    }

    /// Who must hear of a change: members who were sent a message about the event (or one is on its
    /// way), and members registered for it; never those who have left. Ascending ids.
    public func noticeRecipients(eventID: Int64) throws -> [Int64] {
        try pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT m.id FROM members m WHERE m.status != 'left' AND (
                    m.id IN (SELECT member_id FROM muster_outbox WHERE event_id = ? AND state IN ('sent','sending'))
                    OR m.id IN (SELECT member_id FROM registrations WHERE event_id = ? AND status = 'registered'))
                ORDER BY m.id
                """, arguments: [eventID, eventID])
        }
    }

    /// The rule whose notice `change` gets: the first of `rules` (in their order) that follows the
    /// event (kind and `workplace:`) and names a template for this kind of notice; nil when none does.
    public func rule(for change: EventChange, among rules: [Rule]) throws -> Rule? {
        try pool.read { db in
            for rule in rules {
                guard case let .event(selection, _, _) = rule.kind, rule.notices[change.notice] != nil,
                      selection.kinds.contains(change.event.kind),
                      try PlanningLoader.workplace(db, of: change.event, matches: selection.workplaces) else { continue }
                return rule
            }
            return nil
        }
    }

    static let columns = """
        event_id, revision, kind, title, starts_at, ends_at, location, url, workplace_id, description, status,
        timezone, online, previous_starts_at, previous_ends_at, previous_location, previous_status, changed_at
        """

    static func change(_ row: Row) -> EventChange? {
        guard let start = (row[4] as String?).flatMap(ISOTime.parseInstant),
              let changedAt = (row[17] as String?).flatMap(ISOTime.parseInstant) else { return nil }
        let event = Event(
            id: row[0], kind: row[2] ?? "", title: row[3] ?? "", startsAt: start,
            endsAt: (row[5] as String?).flatMap(ISOTime.parseInstant), location: row[6], url: row[7], workplaceID: row[8],
            description: row[9], status: EventStatus(rawValue: row[10] ?? "") ?? .scheduled, timezone: row[11],
            online: (row[12] as Int?) == 1)
        let previous = EventChange.Previous(
            startsAt: (row[13] as String?).flatMap(ISOTime.parseInstant),
            endsAt: (row[14] as String?).flatMap(ISOTime.parseInstant), location: row[15],
            status: (row[16] as String?).flatMap(EventStatus.init(rawValue:)))
        return EventChange(event: event, revision: row[1], previous: (row[1] as Int) > 0 ? previous : nil, changedAt: changedAt)
    }
}
