// The read-only questions of the organiser's console and its /metrics: audience sizes and outbox figures.
import Foundation
import GRDB
import MusterCore

/// Counts for the console's pages and metrics, each one read; nothing here returns an address but
/// a member's own messages (`messages(member:)`, for the member page).
///
///     let q = ConsoleQueries(store)
///     try q.audienceSize(rule.audience, now: now, today: "2026-12-01")   // 412
///     try q.outboxFigures(now: now)   // due 3, oldest due 40 s, last sent at ..., replies by class
public struct ConsoleQueries: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { self.pool = store.pool }

    /// Members in `audience` now (before a rule's recipients narrow it further).
    public func audienceSize(_ audience: Audience, now: Date, today: String) throws -> Int {
        let q = MemberQuery(audience, now: now, today: today)
        return try pool.read { db in
            try Int.fetchOne(db, sql: q.sql(select: "count(*)"), arguments: q.statementArguments) ?? 0
        }
    }

    /// The outbox's health at `now`.
    public struct OutboxFigures: Sendable, Equatable {
        /// Queued entries whose next attempt is due, of rules not paused.
        public var due = 0
        /// How long the longest-waiting of those has been due, in seconds (0 when none is).
        public var oldestDueSeconds: Double = 0
        /// Queued entries whose next attempt is due but whose rule (or all sending) is paused.
        public var pausedDue = 0
        /// True when all sending is paused (`muster pause --all`).
        public var allPaused = false
        /// The latest `sent_at`; nil before anything was sent.
        public var lastSentAt: Date?
        /// Entries by the class of the relay's last reply (`2xx`, `4xx`, `5xx`, `other`), and their attempts.
        public var byReplyClass: [String: (entries: Int, attempts: Int)] = [:]

        public init() {}

        public static func == (a: OutboxFigures, b: OutboxFigures) -> Bool {
            a.due == b.due && a.oldestDueSeconds == b.oldestDueSeconds && a.pausedDue == b.pausedDue && a.allPaused == b.allPaused
                && a.lastSentAt == b.lastSentAt
                && a.byReplyClass.mapValues { [$0.entries, $0.attempts] } == b.byReplyClass.mapValues { [$0.entries, $0.attempts] }
        }
    }

    public func outboxFigures(now: Date) throws -> OutboxFigures {
        let at = ISOTime.format(now)
        return try pool.read { db in
            var f = OutboxFigures()
            // A paused rule's messages wait by the organiser's decision: not "due and not delivered".
            if let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM muster_outbox
                WHERE state = 'queued' AND next_attempt_at <= ? AND NOT \(PausedRules.pausedEntry)
                """, arguments: [at]) {
                f.due = row["n"]
                if let oldest = (row["oldest"] as String?).flatMap(ISOTime.parseInstant) {
                    f.oldestDueSeconds = max(0, now.timeIntervalSince(oldest))
                }
            }
            f.pausedDue = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM muster_outbox WHERE state = 'queued' AND next_attempt_at <= ? AND \(PausedRules.pausedEntry)
                """, arguments: [at]) ?? 0
            f.allPaused = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM muster_paused_rules WHERE rule = ?)",
                                            arguments: [PausedRules.all]) ?? false
            f.lastSentAt = try String.fetchOne(db, sql: "SELECT max(sent_at) FROM muster_outbox WHERE state = 'sent'")
                .flatMap(ISOTime.parseInstant)
            for row in try Row.fetchAll(db, sql: """
                SELECT \(DeliveryAttempts.classSQL("last_reply")) AS class, count(*) AS n, sum(attempts) AS a
                FROM muster_outbox WHERE last_reply IS NOT NULL GROUP BY class
                """) {
                f.byReplyClass[row["class"]] = (row["n"], row["a"] ?? 0)
            }
            return f
        }
    }
}
