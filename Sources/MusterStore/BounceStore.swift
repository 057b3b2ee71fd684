// Bounces and complaints recorded against outbox entries (`muster_bounces`), and those kept aside.
import Foundation
import GRDB
import MusterCore

/// A report already matched to one of our outbox entries (by its VERP token or its Message-ID).
public struct MatchedBounce: Sendable, Hashable {
    public enum MatchedBy: String, Sendable { case token, messageID = "message_id" }

    public var outboxID: Int64
    public var bounceClass: BounceClass
    /// `5.1.1`, or `complaint: abuse`.
    public var status: String?
    public var diagnostic: String?
    public var matchedBy: MatchedBy
    /// The report's Message-ID, or a hash of its bytes: the same report read twice is recorded once.
    public var reportKey: String

    public init(outboxID: Int64, bounceClass: BounceClass, status: String?, diagnostic: String?, matchedBy: MatchedBy, reportKey: String) {
        self.outboxID = outboxID; self.bounceClass = bounceClass; self.status = status
        self.diagnostic = diagnostic; self.matchedBy = matchedBy; self.reportKey = reportKey
    }

    /// `5.1.1 smtp; 550 5.1.1 user unknown`.
    public var reason: String { [status, diagnostic].compactMap { $0 }.joined(separator: " ") }
}

/// When transient bounces suppress an address: `limit` of them within `window`, none of them older
/// than a message to that address that was sent and did not bounce.
public struct SoftBounceLimit: Sendable, Hashable {
    public var limit: Int
    public var window: TimeInterval
    public static let standard = SoftBounceLimit(limit: 3, window: 30 * 86_400)
    public init(limit: Int, window: TimeInterval) { self.limit = limit; self.window = window }
}

/// What recording a bounce did.
public enum BounceOutcome: Sendable, Equatable {
    /// Recorded. `suppressed`: the address (permanent, or the soft limit reached) or the member
    /// (complaint) is now suppressed; `softCount`: transient bounces now counting; `stopped`: queued
    /// entries this suppressed.
    case recorded(suppressed: Bool, softCount: Int, stopped: Int)
    /// This report was recorded for this entry before: nothing changed.
    case alreadyRecorded
}

/// Counts for `muster status`.
public struct BounceCounts: Sendable, Hashable {
    public var permanent = 0
    public var transient = 0
    public var complaints = 0
    public var unmatched = 0
    public init() {}
}

/// The writes and reads of bounce handling, each one transaction.
///
///     let bounces = BounceStore(store)
///     let entry = try bounces.entry(messageID: "<...@example.org>")
///     try bounces.record(MatchedBounce(outboxID: 42, bounceClass: .permanent, ...), limit: .standard, now: now)
public struct BounceStore: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { self.pool = store.pool }

    /// Raw bytes kept of a report set aside; longer ones are cut (and marked so).
    public static let maxKeptBytes = 1024 * 1024

    /// Our newest outbox entry with this Message-ID (`<...@domain>`), without its bytes.
    public func entry(messageID: String) throws -> OutboxEntry? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(OutboxEntry.columns) FROM muster_outbox WHERE message_id = ? ORDER BY id DESC LIMIT 1",
                             arguments: [messageID])
                .map { OutboxEntry(row: $0, withMessage: false) }
        }
    }

    /// The entry, without its bytes.
    public func entry(id: Int64) throws -> OutboxEntry? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(OutboxEntry.columns) FROM muster_outbox WHERE id = ?", arguments: [id])
                .map { OutboxEntry(row: $0, withMessage: false) }
        }
    }

    /// Records `bounce` and acts on it, in one transaction:
    /// - permanent: the entry becomes `failed` (if it was `sent`) with the reason; the address is
    ///   suppressed (kind `bounced`) and its queued entries stopped (`address bounced`);
    /// - transient: the reason goes on the entry; when `limit` are counting, the address is suppressed as above;
    /// - complaint: the member is unsubscribed from every topic (reason `complaint: abuse`) and their
    ///   queued entries stopped (`complaint`).
    public func record(_ bounce: MatchedBounce, limit: SoftBounceLimit, now: Date) throws -> BounceOutcome {
        let stamp = ISOTime.format(now)
        return try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(OutboxEntry.columns) FROM muster_outbox WHERE id = ?", arguments: [bounce.outboxID])
            else { return .alreadyRecorded }
            let entry = OutboxEntry(row: row, withMessage: false)
            let email = (entry.recipient ?? "").lowercased()
            try db.execute(sql: """
                INSERT OR IGNORE INTO muster_bounces(kind, outbox_id, member_id, email, status, diagnostic, matched_by, report_key, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [bounce.bounceClass.rawValue, entry.id, entry.memberID, email, bounce.status, bounce.diagnostic,
                                 bounce.matchedBy.rawValue, bounce.reportKey, stamp])
            guard db.changesCount == 1 else { return .alreadyRecorded }
            switch bounce.bounceClass {
            case .permanent:
                let why = "bounced: " + bounce.reason
                try db.execute(sql: """
                    UPDATE muster_outbox SET state = CASE WHEN state = 'sent' THEN 'failed' ELSE state END,
                        reason = ?, last_reply = coalesce(?, last_reply), updated_at = ? WHERE id = ?
                    """, arguments: [why, bounce.diagnostic, stamp, entry.id])
                let stopped = try Self.suppressAddress(db, entry: entry, email: email, reason: why, now: now)
                return .recorded(suppressed: !email.isEmpty, softCount: 0, stopped: stopped)
            case .transient:
                try db.execute(sql: "UPDATE muster_outbox SET reason = ?, updated_at = ? WHERE id = ?",
                               arguments: ["soft bounce: " + bounce.reason, stamp, entry.id])
                let n = try Self.softCount(db, email: email, entry: entry, limit: limit, now: now)
                guard n >= limit.limit, !email.isEmpty else { return .recorded(suppressed: false, softCount: n, stopped: 0) }
                let days = Int(limit.window / 86_400)
                let stopped = try Self.suppressAddress(
                    db, entry: entry, email: email, reason: "\(n) soft bounces in \(days) days; last: \(bounce.reason)", now: now)
                return .recorded(suppressed: true, softCount: n, stopped: stopped)
            case .complaint:
                let why = bounce.status ?? "complaint"
                try db.execute(sql: "UPDATE muster_outbox SET reason = ?, updated_at = ? WHERE id = ?", arguments: [why, stamp, entry.id])
                try OutboxStore.insertSuppression(db, .unsubscribed, memberID: entry.memberID, email: nil, topic: "*", reason: why, now: now)
                let stopped = try OutboxStore.suppressQueued(db, member: entry.memberID, scope: .topic("*"), reason: .complained, now: now)
                return .recorded(suppressed: true, softCount: 0, stopped: stopped)
            }
        }
    }

    /// Suppresses `email` for every member and topic and stops its queued entries.
    static func suppressAddress(_ db: Database, entry: OutboxEntry, email: String, reason: String, now: Date) throws -> Int {
        guard !email.isEmpty else { return 0 }
        try OutboxStore.insertSuppression(db, .bounced, memberID: entry.memberID, email: email, topic: "*", reason: reason, now: now)
        try db.execute(sql: """
            UPDATE muster_outbox SET state = 'suppressed', reason = ?, updated_at = ?
            WHERE state = 'queued' AND lower(recipient) = ?
            """, arguments: [LateSuppression.addressBounced.reason, ISOTime.format(now), email])
        return db.changesCount
    }

    /// Transient bounces of `email` that count at `now`: received within the window, about messages
    /// sent after the last message to the address (sent before this one) that did not bounce.
    static func softCount(_ db: Database, email: String, entry: OutboxEntry, limit: SoftBounceLimit, now: Date) throws -> Int {
        let since = ISOTime.format(now.addingTimeInterval(-limit.window))
        let thisSent = ISOTime.format(entry.sentAt ?? now)
        let reset = try String.fetchOne(db, sql: """
            SELECT max(o.sent_at) FROM muster_outbox o
            WHERE lower(o.recipient) = ? AND o.state = 'sent' AND o.sent_at < ?
              AND NOT EXISTS (SELECT 1 FROM muster_bounces b WHERE b.outbox_id = o.id)
            """, arguments: [email, thisSent]) ?? ""
        return try Int.fetchOne(db, sql: """
            SELECT count(DISTINCT b.outbox_id) FROM muster_bounces b JOIN muster_outbox o ON o.id = b.outbox_id
            WHERE b.email = ? AND b.kind = 'transient' AND b.received_at >= ? AND ifnull(o.sent_at, '') > ?
            """, arguments: [email, since, reset]) ?? 0
    }

    /// Keeps a report that could not be read or matched, with the reason and its first `maxKeptBytes`.
    @discardableResult
    public func keepAside(raw: [UInt8], size: Int, reason: String, now: Date) throws -> Int64 {
        let kept = raw.prefix(Self.maxKeptBytes)
        return try pool.write { db in
            try db.execute(sql: """
                INSERT INTO muster_bounces_unmatched(reason, size, truncated, raw, received_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [reason, size, kept.count < size ? 1 : 0, Data(kept), ISOTime.format(now)])
            return db.lastInsertedRowID
        }
    }

    /// The reasons and sizes of reports kept aside, newest first.
    public func unmatched(limit: Int) throws -> [(id: Int64, reason: String, size: Int, truncated: Bool)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, reason, size, truncated FROM muster_bounces_unmatched ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }

    public func counts() throws -> BounceCounts {
        try pool.read { db in
            var c = BounceCounts()
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM muster_bounces GROUP BY kind") {
                switch BounceClass(rawValue: row[0]) {
                case .permanent?: c.permanent = row[1]
                case .transient?: c.transient = row[1]
                case .complaint?: c.complaints = row[1]
                case nil: break
                }
            }
            c.unmatched = try Int.fetchOne(db, sql: "SELECT count(*) FROM muster_bounces_unmatched") ?? 0
            return c
        }
    }
}
