// Rules an organiser stopped (`muster pause`): kept in muster's own state, so a restart stays paused.
import Foundation
import GRDB
import MusterCore

/// The paused rules (`muster_paused_rules`). `*` pauses every rule.
///
/// A paused rule's messages are still planned and queued (so nothing is lost), but none is claimed
/// for delivery (`OutboxStore.claimDue`) and none of a batch already claimed is handed on once the
/// pause is seen (`Engine`); what waits keeps its grace and expiry, and expires as usual.
///
///     try PausedRules(store).pause("meeting-reminders", now: now)
///     try PausedRules(store).resume("meeting-reminders")
public struct PausedRules: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { pool = store.pool }

    /// The rule every rule's pause is written as.
    public static let all = "*"

    /// The SQL condition (on `muster_outbox`'s `rule`) that an entry's rule is paused.
    static let pausedEntry = "EXISTS (SELECT 1 FROM muster_paused_rules p WHERE p.rule = muster_outbox.rule OR p.rule = '*')"

    /// Pauses `rule` (or `PausedRules.all`); true when it was not paused before.
    @discardableResult
    public func pause(_ rule: String, now: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO muster_paused_rules(rule, paused_at) VALUES (?, ?)",
                           arguments: [rule, ISOTime.format(now)])
            return db.changesCount == 1
        }
    }

    /// Resumes `rule`; `PausedRules.all` resumes every rule (each one paused alone too). True when something was paused.
    @discardableResult
    public func resume(_ rule: String) throws -> Bool {
        try pool.write { db in
            if rule == Self.all { try db.execute(sql: "DELETE FROM muster_paused_rules") }
            else { try db.execute(sql: "DELETE FROM muster_paused_rules WHERE rule = ?", arguments: [rule]) }
            return db.changesCount > 0
        }
    }

    /// The paused rules with when they were paused (`*` for all), by rule.
    public func list() throws -> [(rule: String, since: Date)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT rule, paused_at FROM muster_paused_rules ORDER BY rule").map {
                (rule: $0[0], since: ISOTime.parseInstant($0[1] as String) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }

    /// The paused rule ids (`*` among them when everything is paused).
    public func rules() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT rule FROM muster_paused_rules")) }
    }

    /// Queued entries per paused rule (for `pause`, `status` and `plan` to say what waits).
    public func waiting() throws -> [String: Int] {
        try pool.read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT rule, count(*) FROM muster_outbox WHERE state = 'queued' AND \(Self.pausedEntry) GROUP BY rule
                """) { out[row[0]] = row[1] }
            return out
        }
    }
}

extension Set where Element == String {
    /// Whether `rule` is paused by this set of paused rules (its own pause, or `*`).
    public func pauses(_ rule: String) -> Bool { contains(rule) || contains(PausedRules.all) }
}
