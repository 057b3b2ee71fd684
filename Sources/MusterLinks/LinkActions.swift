// What the links change in the database: suppressions, voted_at, registrations, and queued mail.
import Foundation
import GRDB
import MusterCore
import MusterStore

/// The writes and reads behind the link pages. Each act is one transaction, and stores nothing beyond
/// what it names: an unsubscribe row, a `voted_at` time, a registration status.
public struct LinkActions: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Records the member's unsubscribe from `topic` (`*`: everything) and suppresses their queued messages
    /// of that topic (all topics for `*`) with reason `unsubscribed`. Returns how many were suppressed.
    /// Repeating it changes nothing more.
    @discardableResult
    public func unsubscribe(memberID: Int64, topic: String, now: Date) async throws -> Int {
        let t = ISOTime.format(now)
        return try await store.pool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO muster_suppressions(kind, member_id, email, topic, reason, created_at)
                VALUES ('unsubscribed', ?, '', ?, 'link', ?)
                """, arguments: [memberID, topic, t])
            try db.execute(sql: """
                UPDATE muster_outbox SET state = 'suppressed', reason = 'unsubscribed', updated_at = ?
                WHERE member_id = ? AND state = 'queued' AND (? = '*' OR topic = ?)
                """, arguments: [t, memberID, topic, topic])
            return db.changesCount
        }
    }

    /// The outcome of an "I've voted" report.
    public enum VotedOutcome: Sendable, Equatable {
        /// `voted_at` was set now; `suppressed` queued messages for the ballot were stopped.
        case recorded(suppressed: Int)
        /// `voted_at` was already set: nothing changed.
        case alreadyRecorded
        /// The member is not in the ballot (no ballot_members row): nothing changed.
        case notEligible
    }

    /// Sets `ballot_members.voted_at` to `now` if it is empty, and suppresses the member's queued
    /// messages for that ballot (reason `voted`). Stores nothing about the vote.
    public func markVoted(memberID: Int64, ballotID: Int64, now: Date) async throws -> VotedOutcome {
        let t = ISOTime.format(now)
        return try await store.pool.write { db in
            guard let votedAt = try Row.fetchOne(db, sql: """
                SELECT voted_at FROM ballot_members WHERE ballot_id = ? AND member_id = ?
                """, arguments: [ballotID, memberID]) else { return .notEligible }
            if (votedAt[0] as String?) != nil { return .alreadyRecorded }
            try db.execute(sql: """
                UPDATE ballot_members SET voted_at = ? WHERE ballot_id = ? AND member_id = ? AND voted_at IS NULL
                """, arguments: [t, ballotID, memberID])
            try db.execute(sql: """
                UPDATE muster_outbox SET state = 'suppressed', reason = 'voted', updated_at = ?
                WHERE member_id = ? AND ballot_id = ? AND state = 'queued'
                """, arguments: [t, memberID, ballotID])
            return .recorded(suppressed: db.changesCount)
        }
    }

    /// The outcome of an RSVP.
    public enum RSVPOutcome: Sendable, Equatable {
        /// The registration now says `registered` (yes) or `cancelled` (no).
        case recorded
        /// Marked as attended already: left as it is.
        case alreadyAttended
        /// No such event or member: nothing changed.
        case notFound
    }

    /// Inserts or updates the member's registration: `registered` for yes, `cancelled` for no.
    /// A no also suppresses the member's queued messages about that event (reason `rsvp_no`).
    public func rsvp(memberID: Int64, eventID: Int64, answer: RSVPAnswer, now: Date) async throws -> RSVPOutcome {
        let t = ISOTime.format(now)
        let status = answer == .yes ? "registered" : "cancelled"
        return try await store.pool.write { db in
            guard try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM events WHERE id = ?) AND EXISTS(SELECT 1 FROM members WHERE id = ?)
                """, arguments: [eventID, memberID]) == true else { return .notFound }
            let current = try String.fetchOne(db, sql: """
                SELECT status FROM registrations WHERE event_id = ? AND member_id = ?
                """, arguments: [eventID, memberID])
            if current == "attended" { return .alreadyAttended }
            try db.execute(sql: """
                INSERT INTO registrations(event_id, member_id, status) VALUES (?, ?, ?)
                ON CONFLICT(event_id, member_id) DO UPDATE SET status = excluded.status
                """, arguments: [eventID, memberID, status])
            if answer == .no {
                try db.execute(sql: """
                    UPDATE muster_outbox SET state = 'suppressed', reason = 'rsvp_no', updated_at = ?
                    WHERE member_id = ? AND event_id = ? AND state = 'queued'
                    """, arguments: [t, memberID, eventID])
            }
            return .recorded
        }
    }

    // MARK: Reads for the pages

    /// A ballot's title, or nil when there is no such ballot or the member is not in it.
    public func ballotTitle(_ id: Int64, memberID: Int64) async throws -> String? {
        try await store.pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT b.title FROM ballots b JOIN ballot_members bm ON bm.ballot_id = b.id
                WHERE b.id = ? AND bm.member_id = ?
                """, arguments: [id, memberID])
        }
    }

    /// An event's title and start, or nil when there is no such event or member.
    public func eventSummary(_ id: Int64, memberID: Int64) async throws -> (title: String, startsAt: Date?)? {
        let found: [String] = try await store.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT title, starts_at FROM events WHERE id = ? AND EXISTS(SELECT 1 FROM members WHERE id = ?)
                """, arguments: [id, memberID])
            else { return [] }
            return [row["title"], row["starts_at"]]
        }
        guard found.count == 2 else { return nil }
        return (found[0], ISOTime.parseInstant(found[1]))
    }

    /// True when the database answers a read.
    public func isReadable() async -> Bool {
        do {
            let n: Int? = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM muster_suppressions") }
            return n != nil
        } catch {
            return false
        }
    }
}

/// Members unsubscribed by topic (`*` is everything), for `muster status`.
public func unsubscribeCounts(store: Store) throws -> [String: Int] {
    try store.pool.read { db in
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT topic, count(*) AS n FROM muster_suppressions WHERE kind = 'unsubscribed' GROUP BY topic
            """) {
            counts[row["topic"]] = row["n"]
        }
        return counts
    }
}
