// The outbox's part in events that change: queued messages about an event, stopped or written again.
import Foundation
import GRDB
import MusterCore

extension OutboxStore {
    /// Queued (not yet claimed) entries about `eventID`, without their bytes, oldest first.
    public func queued(aboutEvent eventID: Int64) throws -> [OutboxEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(OutboxEntry.columns) FROM muster_outbox WHERE event_id = ? AND state = 'queued' ORDER BY id
                """, arguments: [eventID])
                .map { OutboxEntry(row: $0, withMessage: false) }
        }
    }

    /// Marks every queued entry about `eventID` `suppressed` with `reason` (`event cancelled`), or only
    /// the event's notices of an earlier revision (`onlyNoticesBefore`). Returns how many changed.
    @discardableResult
    public func suppressQueued(aboutEvent eventID: Int64, reason: String, onlyNoticesBefore revision: Int? = nil, now: Date) throws -> Int {
        try pool.write { db in
            var sql = "UPDATE muster_outbox SET state = 'suppressed', reason = ?, updated_at = ? WHERE event_id = ? AND state = 'queued'"
            var arguments: StatementArguments = [reason, ISOTime.format(now), eventID]
            if let revision {
                sql += " AND step = ? AND occurrence != ? AND occurrence != ?"
                arguments += [EventNoticeTemplates.step, "changed-r\(revision)", "cancelled-r\(revision)"]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// Puts new bytes (and a new expiry) in queued entries: a reminder rendered before its event
    /// changed, rendered again. The key and Message-ID stay (the message has not gone yet); an entry
    /// claimed meanwhile is left as it is. Returns how many were rewritten.
    @discardableResult
    public func rewrite(_ messages: [(id: Int64, message: Data, expires: Date)], now: Date) throws -> Int {
        guard !messages.isEmpty else { return 0 }
        return try pool.write { db in
            let stamp = ISOTime.format(now)
            var n = 0
            for m in messages {
                try db.execute(sql: "UPDATE muster_outbox SET expires_at = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
                               arguments: [ISOTime.format(m.expires), stamp, m.id])
                guard db.changesCount == 1 else { continue }
                try db.execute(sql: """
                    INSERT INTO muster_outbox_messages(outbox_id, message) VALUES (?, ?)
                    ON CONFLICT(outbox_id) DO UPDATE SET message = excluded.message
                    """, arguments: [m.id, m.message])
                n += 1
            }
            return n
        }
    }
}
