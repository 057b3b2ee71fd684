// What members tell muster through their links: an unsubscribe, "I've voted", an RSVP; and what the pages read.
import Foundation
import GRDB
import MusterCore

/// The writes and reads behind the link pages, each one transaction. Every write also stops the
/// member's queued messages it makes pointless (`OutboxStore.suppressQueued`, with the reason
/// `LateSuppression` gives).
///
///     let replies = MemberReplies(store)
///     try await replies.unsubscribe(memberID: 17, topic: "ballots", now: now)   // 2 queued messages stopped
public struct MemberReplies: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { self.pool = store.pool }

    /// Records the member's unsubscribe from `topic` (`*`: everything, reason `link`) and suppresses
    /// their queued messages of that topic. Returns how many were suppressed; repeating it changes nothing more.
    @discardableResult
    public func unsubscribe(memberID: Int64, topic: String, now: Date) async throws -> Int {
        try await pool.write { db in
            try OutboxStore.insertSuppression(db, .unsubscribed, memberID: memberID, email: nil, topic: topic, reason: "link", now: now)
            return try OutboxStore.suppressQueued(db, member: memberID, scope: .topic(topic), reason: .unsubscribed, now: now)
        }
    }

    /// What an "I've voted" report did.
    public enum VoteRecord: Sendable, Equatable {
        case recorded(suppressed: Int)
        /// `voted_at` already records a vote (`BallotVote.hasVoted`): nothing changed.
        case alreadyRecorded
        /// No `ballot_members` row for the member: nothing changed.
        case notEligible
    }

    /// Sets `voted_at` to `now` unless it already records a vote, records that the member reported
    /// it (`muster_vote_reports`, `member`), and suppresses the member's queued messages about the ballot.
    public func markVoted(memberID: Int64, ballotID: Int64, now: Date) async throws -> VoteRecord {
        try await pool.write { db in
            try Self.recordVote(db, memberID: memberID, ballotID: ballotID, by: .member, now: now)
        }
    }

    /// What an RSVP did.
    public enum RSVPRecord: Sendable, Equatable {
        case recorded
        /// The registration says `attended`: left as it is.
        case alreadyAttended
        /// No such event or member: nothing changed.
        case notFound
        /// The event is cancelled (or its row deleted): nothing changed.
        case eventCancelled
    }

    /// Inserts or updates the member's registration: `registered` when `attending`, else `cancelled`,
    /// which also suppresses their queued messages about the event.
    public func rsvp(memberID: Int64, eventID: Int64, attending: Bool, now: Date) async throws -> RSVPRecord {
        try await pool.write { db in
            if try Self.isCancelled(db, eventID: eventID) { return .eventCancelled }
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
                """, arguments: [eventID, memberID, attending ? "registered" : "cancelled"])
            if !attending {
                _ = try OutboxStore.suppressQueued(db, member: memberID, scope: .event(eventID), reason: .rsvpNo, now: now)
            }
            return .recorded
        }
    }

    // MARK: Reads for the pages

    /// A ballot's title, or nil when there is no such ballot or the member is not in it.
    public func ballotTitle(_ id: Int64, memberID: Int64) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT b.title FROM ballots b JOIN ballot_members bm ON bm.ballot_id = b.id
                WHERE b.id = ? AND bm.member_id = ?
                """, arguments: [id, memberID])
        }
    }

    /// An event's title and start (nil when unreadable), or nil when there is no such event or member.
    /// A row deleted after muster saw it is summarised from what muster saw, as cancelled.
    public func eventSummary(_ id: Int64, memberID: Int64) async throws -> EventSummary? {
        try await pool.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM members WHERE id = ?)", arguments: [memberID]) == true
            else { return nil }
            let row = try Row.fetchOne(db, sql: "SELECT title, starts_at, status FROM events WHERE id = ?", arguments: [id])
                ?? Row.fetchOne(db, sql: "SELECT title, starts_at, 'cancelled' FROM muster_event_revisions WHERE event_id = ? AND status = 'cancelled'", arguments: [id])
            return row.map {
                EventSummary(title: $0[0], startsAt: ($0[1] as String?).flatMap(ISOTime.parseInstant),
                             cancelled: ($0[2] as String?) == EventStatus.cancelled.rawValue)
            }
        }
    }

    /// True when the event is cancelled, or gone after muster saw it.
    static func isCancelled(_ db: Database, eventID: Int64) throws -> Bool {
        if let status = try String.fetchOne(db, sql: "SELECT status FROM events WHERE id = ?", arguments: [eventID]) {
            return status == EventStatus.cancelled.rawValue
        }
        return try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM muster_event_revisions WHERE event_id = ?)", arguments: [eventID]) ?? false
    }

    /// An event as its RSVP page shows it.
    public struct EventSummary: Sendable, Hashable {
        public var title: String
        public var startsAt: Date?
        public var cancelled: Bool

        public init(title: String, startsAt: Date?, cancelled: Bool = false) {
            self.title = title; self.startsAt = startsAt; self.cancelled = cancelled
        }
    }

    /// True when the database answers a read.
    public func isReadable() async -> Bool {
        do {
            let n: Int? = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM muster_suppressions") }
            return n != nil
        } catch {
            return false
        }
    }
}
