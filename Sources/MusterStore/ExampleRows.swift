// Rows a sample message can be rendered from (`muster check`, `preview`, `send-test`): real ones where they exist.
import Foundation
import GRDB
import MusterCore

/// Which rows a sample message is rendered from.
public struct ExampleIDs: Sendable, Hashable {
    public var member: Int64
    public var event: Int64?
    public var ballot: Int64?
    public var digest: Bool

    public init(member: Int64, event: Int64? = nil, ballot: Int64? = nil, digest: Bool = false) {
        self.member = member; self.event = event; self.ballot = ballot; self.digest = digest
    }
}

/// Finds rows that fit a rule, so that a template is checked or previewed against real data.
///
///     let ids = try ExampleRows(store).ids(for: rule, memberID: nil, now: now)
///     // ExampleIDs(member: 12, event: 3) for an event rule: the next event of its kinds and a member it invites
public struct ExampleRows: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { self.pool = store.pool }

    /// A member (the one given, else a fitting one) and the event or ballot a message of `rule` would be
    /// about: the next event of the rule's kinds, the earliest-closing open ballot. Nil when there is none.
    ///
    /// A sequence prefers an active member whose workplace has a rep other than themselves; an event,
    /// a member invited to it (of its workplace, or any for a district-wide one); a ballot, an active
    /// member in it; a recurring digest, an active rep.
    public func ids(for rule: Rule, memberID: Int64?, now: Date) throws -> ExampleIDs? {
        let at = ISOTime.format(now)
        return try pool.read { db -> ExampleIDs? in
            switch rule.kind {
            case .sequence, .broadcast:
                let m = try memberID ?? Int64.fetchOne(db, sql: """
                    SELECT m.id FROM members m JOIN reps r ON r.workplace_id = m.workplace_id AND r.member_id <> m.id
                    WHERE m.status = 'active' ORDER BY m.id LIMIT 1
                    """) ?? Int64.fetchOne(db, sql: "SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT 1")
                return m.map { ExampleIDs(member: $0) }
            case let .event(selection, _, _):
                let marks = selection.kinds.map { _ in "?" }.joined(separator: ",")
                var args = StatementArguments(selection.kinds)
                args += [at, memberID, memberID]
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT id, workplace_id FROM events WHERE kind IN (\(marks)) AND starts_at > ?
                    ORDER BY (? IS NOT NULL AND workplace_id IS NOT NULL
                              AND workplace_id <> (SELECT workplace_id FROM members WHERE id = ?)), starts_at
                    LIMIT 1
                    """, arguments: args) else { return nil }
                let eventID: Int64 = row["id"]
                let workplace: Int64? = row["workplace_id"]
                let m = try memberID ?? Int64.fetchOne(db, sql: """
                    SELECT id FROM members WHERE status = 'active' AND (? IS NULL OR workplace_id = ?) ORDER BY id LIMIT 1
                    """, arguments: [workplace, workplace])
                return m.map { ExampleIDs(member: $0, event: eventID) }
            case .ballot:
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT bm.ballot_id, bm.member_id FROM ballot_members bm JOIN ballots b ON b.id = bm.ballot_id
                    JOIN members m ON m.id = bm.member_id
                    WHERE b.closes_at > ? AND m.status = 'active' AND (? IS NULL OR m.id = ?)
                    ORDER BY b.closes_at, bm.member_id LIMIT 1
                    """, arguments: [at, memberID, memberID])
                    ?? Row.fetchOne(db, sql: "SELECT id AS ballot_id, ? AS member_id FROM ballots WHERE closes_at > ? ORDER BY closes_at LIMIT 1",
                                    arguments: [memberID, at])
                else { return nil }
                guard let m: Int64 = row["member_id"] else { return nil }
                return ExampleIDs(member: m, ballot: row["ballot_id"])
            case .recurring:
                let m = try memberID ?? Int64.fetchOne(db, sql: """
                    SELECT r.member_id FROM reps r JOIN members m ON m.id = r.member_id
                    WHERE m.status = 'active' ORDER BY r.member_id LIMIT 1
                    """)
                return m.map { ExampleIDs(member: $0, digest: true) }
            }
        }
    }

    /// The highest member id, nil when there are no members (the daemon's bench plans that one member).
    public func highestMemberID() throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM members") }
    }
}
