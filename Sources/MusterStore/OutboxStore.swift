// The durable outbox (`muster_outbox`): enqueue once, claim what is due, record what happened.
import Foundation
import GRDB
import MusterCore

/// muster's outbox over its SQLite file. Every method is one transaction.
///
/// The life of an entry: `enqueue` (INSERT OR IGNORE on the dedupe key, so planning twice adds
/// nothing) → `claimDue` (queued and due → `sending`) → the transport → `record` (the pure
/// `OutboxTransition` decides: `sent`, `failed`, `expired`, or `queued` again with a later attempt).
/// After a crash, `recoverInFlight` puts `sending` back to `queued` with the same bytes and
/// Message-ID, so a message can repeat (at least once) but never be lost.
///
///     let outbox = OutboxStore(store)
///     try outbox.recoverInFlight(now: now)                       // at start-up
///     try outbox.enqueue(drafts, now: now)
///     try outbox.expire(now: now)
///     let batch = try outbox.claimDue(now: now, limit: 500)
///     await transport.send(messages) { i, result in            // as each result is final
///         try journal.append(.init(id: batch[i].id, now: now, result: result))
///     }
///     try outbox.record(results, now: now)                     // folded in, a batch at a time
public struct OutboxStore: Sendable {
    public let pool: DatabasePool
    public let policy: RetryPolicy

    public init(_ store: Store, policy: RetryPolicy = .standard) {
        self.pool = store.pool
        self.policy = policy
    }

    // MARK: Enqueueing

    /// Inserts the entries that are new (by dedupe key) and returns how many were. Suppressed
    /// drafts go in as `suppressed`, and drafts that cannot make a message as `failed`, with their reason.
    @discardableResult
    public func enqueue(_ entries: [NewOutboxEntry], now: Date) throws -> Int {
        if entries.isEmpty { return 0 }
        let stamp = ISOTime.format(now)
        return try pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO muster_outbox(
                    dedupe_key, rule, step, member_id, event_id, ballot_id, occurrence, topic, state,
                    due_at, expires_at, next_attempt_at, attempts, message_id, recipient, reason,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
                """)
            let bytes = try db.cachedStatement(sql: "INSERT INTO muster_outbox_messages(outbox_id, message) VALUES (?, ?)")
            var inserted = 0
            for e in entries {
                let o = e.occurrence
                let due = ISOTime.format(o.due)
                try statement.execute(arguments: [
                    o.dedupeKey, o.rule, o.step, o.memberID, o.eventID, o.ballotID, o.occurrence, o.topic,
                    e.initialState.rawValue,
                    due, ISOTime.format(o.expires), e.notBefore.map(ISOTime.format) ?? due, e.messageID,
                    e.recipient, e.failedReason ?? e.suppressedReason ?? e.note, stamp, stamp,
                ])
                guard db.changesCount == 1 else { continue }
                inserted += 1
                if let message = e.message {
                    try bytes.execute(arguments: [db.lastInsertedRowID, message])
                }
            }
            return inserted
        }
    }

    /// Which of `keys` are already in the outbox (so a planner can skip rendering them).
    public func existingKeys(_ keys: [String]) throws -> Set<String> {
        try pool.read { db in
            var found: Set<String> = []
            try InList.forEach(keys) { marks, arguments in
                found.formUnion(try String.fetchAll(
                    db, sql: "SELECT dedupe_key FROM muster_outbox WHERE dedupe_key IN (\(marks))", arguments: arguments))
            }
            return found
        }
    }

    // MARK: Delivering

    /// Moves up to `limit` due entries (queued, next attempt at or before `now`, not expired, their
    /// rule not paused) to `sending` and returns them with their bytes, earliest first.
    public func claimDue(now: Date, limit: Int) throws -> [OutboxEntry] {
        let stamp = ISOTime.format(now)
        return try pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(OutboxEntry.columns), message FROM muster_outbox
                LEFT JOIN muster_outbox_messages ON outbox_id = id
                WHERE state = 'queued' AND next_attempt_at <= ? AND NOT \(Self.expiredBy)
                    AND NOT \(PausedRules.pausedEntry)
                ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [stamp, stamp, limit])
            let update = try db.cachedStatement(sql: "UPDATE muster_outbox SET state = 'sending', updated_at = ? WHERE id = ?")
            var entries: [OutboxEntry] = []
            for row in rows {
                var e = OutboxEntry(row: row, withMessage: true)
                try update.execute(arguments: [stamp, e.id])
                e.state = .sending
                e.updatedAt = ISOTime.parseInstant(stamp) ?? now
                entries.append(e)
            }
            return entries
        }
    }

    /// Records delivery results through `OutboxTransition` and returns the transitions, in order.
    /// An unknown id gives nil. A 5.1.x refusal also suppresses the address (kind `bounced`) and
    /// every other queued entry to it. Each attempt recorded is counted in `DeliveryAttempts`.
    @discardableResult
    public func record(_ results: [(id: Int64, result: DeliveryResult)], now: Date) throws -> [OutboxTransition?] {
        try pool.write { db in
            var attempts: [ReplyClass: Int] = [:]
            let transitions = try results.map { try apply(db, id: $0.id, result: $0.result, now: now, onlySending: false, counting: &attempts) }
            try DeliveryAttempts.add(attempts, db)
            return transitions
        }
    }

    /// After a crash: the journaled replies whose entries are still `sending` are recorded, each
    /// with the `now` of the pass that sent it; entries the outbox already moved on are left alone.
    /// Returns how many were recorded.
    @discardableResult
    public func replay(_ records: [DeliveryJournal.Record]) throws -> Int {
        guard !records.isEmpty else { return 0 }
        return try pool.write { db in
            var n = 0
            var attempts: [ReplyClass: Int] = [:]
            for r in records where try apply(db, id: r.id, result: r.result, now: r.now, onlySending: true, counting: &attempts) != nil { n += 1 }
            try DeliveryAttempts.add(attempts, db)
            return n
        }
    }

    /// Records the results of entries this process claimed (`claimDue`), as `record` does, without
    /// reading each row back: the claimed entry is what the row holds while it stays `sending`
    /// (nothing else writes a `sending` entry). One whose row has moved on meanwhile (another
    /// process's `recover`, say) is recorded by `record`'s path, from the row as it is.
    @discardableResult
    public func record(claimed results: [(entry: OutboxEntry, result: DeliveryResult)], now: Date) throws -> [OutboxTransition?] {
        try pool.write { db in
            var attempts: [ReplyClass: Int] = [:]
            let transitions = try results.map { item -> OutboxTransition? in
                if item.entry.state == .sending,
                   let t = try write(db, entry: item.entry, result: item.result, now: now, whileSending: true, counting: &attempts) {
                    return t
                }
                return try apply(db, id: item.entry.id, result: item.result, now: now, onlySending: false, counting: &attempts)
            }
            try DeliveryAttempts.add(attempts, db)
            return transitions
        }
    }

    /// One result through `OutboxTransition`, in the caller's transaction, from the row as it is
    /// now; an attempt it records is added to `counting` under its reply's class.
    private func apply(_ db: Database, id: Int64, result: DeliveryResult, now: Date, onlySending: Bool,
                       counting attempts: inout [ReplyClass: Int]) throws -> OutboxTransition? {
        // Cached statements: a batch of thousands prepares each statement once.
        let select = try db.cachedStatement(sql: "SELECT \(OutboxEntry.columns) FROM muster_outbox WHERE id = ?")
        guard let row = try Row.fetchOne(select, arguments: [id]) else { return nil }
        let entry = OutboxEntry(row: row, withMessage: false)
        if onlySending && entry.state != .sending { return nil }
        if entry.state.isFinal { return OutboxTransition.after(result, entry: entry.status, now: now, policy: policy) }
        return try write(db, entry: entry, result: result, now: now, whileSending: false, counting: &attempts)
    }

    static let recordAnyState = """
        UPDATE muster_outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_reply = ?,
            reason = ?, updated_at = ?, sent_at = ?
        WHERE id = ?
        """
    static let recordWhileSending = recordAnyState + " AND state = 'sending'"

    /// Writes `result`'s transition of `entry` (not final): the row, then the address suppressed
    /// when the transition says so. With `whileSending` the row is written only while it is still
    /// `sending`; nil (and nothing written) when it was not.
    private func write(_ db: Database, entry: OutboxEntry, result: DeliveryResult, now: Date, whileSending: Bool,
                       counting attempts: inout [ReplyClass: Int]) throws -> OutboxTransition? {
        let stamp = ISOTime.format(now)
        let update = try db.cachedStatement(sql: whileSending ? Self.recordWhileSending : Self.recordAnyState)
        let t = OutboxTransition.after(result, entry: entry.status, now: now, policy: policy)
        var reply = entry.lastReply
        var reason: String? = entry.reason
        for case .recordReply(let r) in t.actions { reply = r }
        if let why = t.reason { reason = why }
        try update.execute(arguments: [
                t.state.rawValue, t.attempts, t.nextAttemptAt.map(ISOTime.format) ?? ISOTime.format(entry.nextAttemptAt),
                reply, reason, stamp, t.state == .sent ? stamp : nil, entry.id,
            ])
        if whileSending && db.changesCount == 0 { return nil }
        for case .suppressAddress(let why) in t.actions {
            guard let address = entry.recipient, !address.isEmpty else { continue }
            try OutboxStore.insertSuppression(db, .bounced, memberID: entry.memberID, email: address,
                                              topic: "*", reason: why, now: now)
            try db.execute(sql: """
                UPDATE muster_outbox SET state = 'suppressed', reason = ?, updated_at = ?
                WHERE state = 'queued' AND lower(recipient) = ? AND id != ?
                """, arguments: [LateSuppression.addressBounced.reason, stamp, address.lowercased(), entry.id])
        }
        if t.attempts > entry.attempts { attempts[ReplyClass(reply: result.reply), default: 0] += t.attempts - entry.attempts }
        return t
    }

    /// At start-up: entries left in `sending` by a crash go back to `queued`, bytes, Message-ID and
    /// attempts untouched, due at once. Returns how many.
    @discardableResult
    public func recoverInFlight(now: Date) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "UPDATE muster_outbox SET state = 'queued', updated_at = ? WHERE state = 'sending'",
                           arguments: [ISOTime.format(now)])
            return db.changesCount
        }
    }

    /// `Expiry.hasPassed(expires_at, at: ?)` on the stored column, for the one argument `now`:
    /// `expire` takes these entries, `claimDue` leaves them.
    static let expiredBy = "(expires_at IS NOT NULL AND expires_at <= ?)"

    /// Queued entries whose expiry has passed become `expired`, with the reason `OutboxTransition`
    /// gives that state. Returns how many.
    @discardableResult
    public func expire(now: Date) throws -> Int {
        let stamp = ISOTime.format(now)
        return try pool.write { db in
            try db.execute(sql: """
                UPDATE muster_outbox SET state = 'expired', reason = ?, updated_at = ?
                WHERE state = 'queued' AND \(Self.expiredBy)
                """, arguments: [OutboxTransition.reason(for: .expired), stamp, stamp])
            return db.changesCount
        }
    }

    /// Which of a member's queued entries a late suppression stops.
    public enum SuppressionScope: Sendable, Hashable {
        /// Entries of `topic`; `*` is every topic.
        case topic(String)
        /// Entries about the ballot.
        case ballot(Int64)
        /// Entries about the event.
        case event(Int64)
    }

    /// Marks `member`'s queued entries in `scope` `suppressed`, with the reason `reason` gives
    /// (`LateSuppression`). Entries being sent, or final, stay as they are. Returns how many changed.
    @discardableResult
    public func suppressQueued(member: Int64, scope: SuppressionScope, reason: LateSuppression, now: Date) throws -> Int {
        try pool.write { db in try Self.suppressQueued(db, member: member, scope: scope, reason: reason, now: now) }
    }

    /// The same, inside a caller's transaction.
    static func suppressQueued(
        _ db: Database, member: Int64, scope: SuppressionScope, reason: LateSuppression, now: Date
    ) throws -> Int {
        var arguments: StatementArguments = [reason.reason, ISOTime.format(now), member]
        let filter: String
        switch scope {
        case let .topic(topic): filter = "(? = '*' OR topic = ?)"; arguments += [topic, topic]
        case let .ballot(id): filter = "ballot_id = ?"; arguments += [id]
        case let .event(id): filter = "event_id = ?"; arguments += [id]
        }
        try db.execute(sql: """
            UPDATE muster_outbox SET state = 'suppressed', reason = ?, updated_at = ?
            WHERE member_id = ? AND state = 'queued' AND \(filter)
            """, arguments: arguments)
        return db.changesCount
    }

    /// Marks a queued entry `suppressed` with a reason (`unsubscribed from ballots`). A final entry stays as it is.
    public func markSuppressed(id: Int64, reason: String, now: Date) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE muster_outbox SET state = 'suppressed', reason = ?, updated_at = ?
                WHERE id = ? AND state IN ('queued','sending')
                """, arguments: [reason, ISOTime.format(now), id])
        }
    }

    /// Fails a claimed entry that cannot make a message (no recipient, no stored bytes) with `reason`.
    public func markFailed(id: Int64, reason: String, now: Date) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE muster_outbox SET state = 'failed', reason = ?, updated_at = ?
                WHERE id = ? AND state IN ('queued','sending')
                """, arguments: [reason, ISOTime.format(now), id])
        }
    }

    /// Puts claimed entries that were never handed to the relay back in the queue, attempts untouched.
    public func release(ids: [Int64], now: Date) throws {
        guard !ids.isEmpty else { return }
        try pool.write { db in
            let update = try db.cachedStatement(sql: "UPDATE muster_outbox SET state = 'queued', updated_at = ? WHERE id = ? AND state = 'sending'")
            let stamp = ISOTime.format(now)
            for id in ids { try update.execute(arguments: [stamp, id]) }
        }
    }

    // MARK: Reading

    public func entry(id: Int64) throws -> OutboxEntry? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(OutboxEntry.columns), message FROM muster_outbox LEFT JOIN muster_outbox_messages ON outbox_id = id WHERE id = ?", arguments: [id])
                .map { OutboxEntry(row: $0, withMessage: true) }
        }
    }

    public func entry(dedupeKey: String) throws -> OutboxEntry? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(OutboxEntry.columns), message FROM muster_outbox LEFT JOIN muster_outbox_messages ON outbox_id = id WHERE dedupe_key = ?", arguments: [dedupeKey])
                .map { OutboxEntry(row: $0, withMessage: true) }
        }
    }

    /// Entry counts by rule and state, ordered by rule then state.
    public func countsByStateAndRule() throws -> [OutboxCount] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT rule, state, count(*) AS n FROM muster_outbox GROUP BY rule, state ORDER BY rule, state")
                .map { OutboxCount(rule: $0["rule"], state: OutboxState(rawValue: $0["state"]) ?? .queued, count: $0["n"]) }
        }
    }

    /// The latest entries with a failure to show: `failed`, `expired` after attempts, and `queued`
    /// ones that have been deferred; newest first, without their bytes.
    public func recentFailures(limit: Int) throws -> [OutboxEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(OutboxEntry.columns) FROM muster_outbox
                WHERE state = 'failed' OR (state IN ('queued','expired') AND attempts > 0)
                ORDER BY updated_at DESC, id DESC LIMIT ?
                """, arguments: [limit])
                .map { OutboxEntry(row: $0, withMessage: false) }
        }
    }

    /// When the next queued entry is due (a first attempt or a retry); nil when none waits. Entries
    /// of paused rules wait for `resume`, not for a time.
    public func nextDue() throws -> Date? {
        try pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT next_attempt_at FROM muster_outbox WHERE state = 'queued' AND NOT \(PausedRules.pausedEntry)
                ORDER BY next_attempt_at LIMIT 1
                """)
                .flatMap(ISOTime.parseInstant)
        }
    }
}
