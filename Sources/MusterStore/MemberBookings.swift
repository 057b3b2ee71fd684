// What the outbox already holds for members, as the per-member limits count it.
import Foundation
import GRDB
import MusterCore

/// Per member, the instants of what counts against their limits: entries sent, being sent, or
/// queued (at their next attempt) from `from` on. Sent entries count at their `sent_at`.
public struct MemberBookings: Sendable {
    public var instants: [Int64: [Date]] = [:]
    /// The dedupe keys of those entries (for a forecast: an occurrence already in the outbox is not new).
    public var keys: Set<String> = []
}

extension OutboxStore {
    /// What counts against the limits of `members` (all members when nil) from `from` on: one
    /// query per call, through the index on (member_id, next_attempt_at). `withKeys` also reads the
    /// dedupe keys.
    public func memberBookings(members: [Int64]?, from: Date, withKeys: Bool = false) throws -> MemberBookings {
        let stamp = ISOTime.format(from)
        let columns = "member_id, coalesce(sent_at, next_attempt_at)" + (withKeys ? ", dedupe_key" : "")
        let counted = "state IN ('queued','sending','sent') AND next_attempt_at >= ?"
        return try pool.read { db in
            var out = MemberBookings()
            func take(_ rows: RowCursor) throws {
                while let row = try rows.next() {
                    let member: Int64 = row[0]
                    guard let at = ISOTime.parseInstant(row[1] as String? ?? "") else { continue }
                    out.instants[member, default: []].append(at)
                    if withKeys { out.keys.insert(row[2]) }
                }
            }
            if let members {
                try InList.forEach(Array(Set(members))) { marks, arguments in
                    try take(Row.fetchCursor(db, sql: """
                        SELECT \(columns) FROM muster_outbox WHERE member_id IN (\(marks)) AND \(counted)
                        """, arguments: arguments + [stamp]))
                }
            } else {
                try take(Row.fetchCursor(db, sql: "SELECT \(columns) FROM muster_outbox WHERE \(counted)", arguments: [stamp]))
            }
            return out
        }
    }
}

extension StatusQueries {
    /// Per rule: entries the member limits moved to a later day (whatever became of them since),
    /// and those they skipped (`suppressed`, `member limit`). Only rules with some.
    public func memberLimitCounts() throws -> [String: (moved: Int, skipped: Int)] {
        try pool.read { db in
            var out: [String: (moved: Int, skipped: Int)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT rule, sum(state != 'suppressed'), sum(state = 'suppressed') FROM muster_outbox
                WHERE reason = ? GROUP BY rule
                """, arguments: [LimitDecision.reason]) {
                out[row[0]] = (moved: row[1], skipped: row[2])
            }
            return out
        }
    }
}
