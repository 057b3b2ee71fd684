// Who must not be mailed: unsubscribed topics, opt-outs and bounced addresses (`muster_suppressions`).
import Foundation
import GRDB
import MusterCore

/// The kinds of `muster_suppressions` rows.
public enum SuppressionKind: String, Sendable, Hashable, CaseIterable {
    /// A member left a topic (`*` for everything) through a link.
    case unsubscribed
    /// An address a server refused as unknown (5.1.x); it holds for every topic and every member.
    case bounced
    /// A member asked for no mail at all.
    case optedOut = "opted_out"
}

/// All suppressions, loaded once for a planning pass, answering "may this member get this topic?".
///
///     let list = try outbox.loadSuppressions()
///     list.reason(memberID: 17, email: "ann@example.com", topic: "ballots")
///     // nil, or "unsubscribed from ballots" / "unsubscribed from everything" / "opted out" / "address bounced"
public struct SuppressionList: Sendable, Hashable {
    /// Topics each member left; `*` means all.
    public var memberTopics: [Int64: Set<String>] = [:]
    public var optedOut: Set<Int64> = []
    /// Lowercased.
    public var bouncedEmails: Set<String> = []

    public init() {}

    /// Why `memberID` at `email` must not get a message of `topic`, or nil when they may.
    public func reason(memberID: Int64, email: String?, topic: String) -> String? {
        if optedOut.contains(memberID) { return "opted out" }
        if let topics = memberTopics[memberID] {
            if topics.contains("*") { return "unsubscribed from everything" }
            if topics.contains(topic) { return "unsubscribed from \(topic)" }
        }
        if let email, bouncedEmails.contains(email.lowercased()) { return LateSuppression.addressBounced.reason }
        return nil
    }
}

extension OutboxStore {
    /// Records a suppression; recording the same one twice changes nothing. Emails are kept lowercased.
    public func addSuppression(
        _ kind: SuppressionKind, memberID: Int64?, email: String? = nil, topic: String = "*", reason: String? = nil, now: Date
    ) throws {
        try pool.write { db in
            try OutboxStore.insertSuppression(db, kind, memberID: memberID, email: email, topic: topic, reason: reason, now: now)
        }
    }

    static func insertSuppression(
        _ db: Database, _ kind: SuppressionKind, memberID: Int64?, email: String?, topic: String, reason: String?, now: Date
    ) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO muster_suppressions(kind, member_id, email, topic, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [kind.rawValue, memberID, (email ?? "").lowercased(), topic, reason, ISOTime.format(now)])
    }

    /// Every suppression, for a planning pass.
    public func loadSuppressions() throws -> SuppressionList {
        try pool.read { db in
            var list = SuppressionList()
            let rows = try Row.fetchAll(db, sql: "SELECT kind, member_id, email, topic FROM muster_suppressions")
            for row in rows {
                let memberID: Int64? = row["member_id"]
                let email: String = row["email"]
                switch SuppressionKind(rawValue: row["kind"]) {
                case .unsubscribed?: if let memberID { list.memberTopics[memberID, default: []].insert(row["topic"]) }
                case .optedOut?: if let memberID { list.optedOut.insert(memberID) }
                case .bounced?: if !email.isEmpty { list.bouncedEmails.insert(email.lowercased()) }
                case nil: break
                }
            }
            return list
        }
    }

    /// Why one member must not get `topic` (see `SuppressionList.reason`), from the database.
    public func suppressionReason(memberID: Int64, email: String?, topic: String) throws -> String? {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT kind, member_id, email, topic FROM muster_suppressions
                WHERE (member_id = ? AND kind IN ('unsubscribed','opted_out') AND topic IN (?, '*'))
                   OR (kind = 'bounced' AND email = ?)
                """, arguments: [memberID, topic, (email ?? "").lowercased()])
            var list = SuppressionList()
            for row in rows {
                switch SuppressionKind(rawValue: row["kind"]) {
                case .unsubscribed?: list.memberTopics[memberID, default: []].insert(row["topic"])
                case .optedOut?: list.optedOut.insert(memberID)
                case .bounced?: list.bouncedEmails.insert(row["email"])
                case nil: break
                }
            }
            return list.reason(memberID: memberID, email: email, topic: topic)
        }
    }
}
