// What `muster status` reads beyond the outbox's own counts: why messages went unsent, and suppressions.
import Foundation
import GRDB
import MusterCore

/// The read-only questions of `muster status`, each one read.
///
///     let status = StatusQueries(store)
///     try status.unsentReasons(limit: 12)    // [suppressed "opted out" 40, failed "refused by the server" 3, ...]
public struct StatusQueries: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { self.pool = store.pool }

    /// How many entries ended unsent in one state for one reason.
    public struct ReasonCount: Sendable, Hashable {
        public var state: OutboxState
        /// Empty when the entry has none.
        public var reason: String
        public var count: Int

        public init(state: OutboxState, reason: String, count: Int) { self.state = state; self.reason = reason; self.count = count }
    }

    /// The commonest (state, reason) pairs of `suppressed`, `failed` and `expired` entries, most first.
    public func unsentReasons(limit: Int) throws -> [ReasonCount] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT state, coalesce(reason, ''), count(*) AS n FROM muster_outbox
                WHERE state IN ('suppressed', 'failed', 'expired') GROUP BY state, reason ORDER BY n DESC LIMIT ?
                """, arguments: [limit])
                .map { ReasonCount(state: OutboxState(rawValue: $0[0]) ?? .failed, reason: $0[1], count: $0[2]) }
        }
    }

    /// Members unsubscribed, by topic (`*` is everything).
    public func unsubscribeCounts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT topic, count(*) FROM muster_suppressions WHERE kind = 'unsubscribed' GROUP BY topic
                """) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    /// Addresses suppressed because a server refused them as unknown.
    public func bouncedAddresses() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM muster_suppressions WHERE kind = 'bounced'") ?? 0
        }
    }
}
