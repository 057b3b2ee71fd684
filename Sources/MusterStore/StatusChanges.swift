// muster_status_changes: every change of a member's status muster makes, so that it can be undone.
import Foundation
import GRDB
import MusterCore

/// One recorded change of a member's status: `member 17 active -> left at 2026-12-01T18:00:00Z
/// by "sync members.csv"`.
public struct StatusChange: Sendable, Equatable, CustomStringConvertible {
    public var memberID: Int64
    /// The status before; nil for a member who had none recorded.
    public var from: String?
    public var to: String
    /// When, as the import reckoned it (its `now`), ISO 8601 in UTC.
    public var at: String
    /// What made it: `import members.csv` (its status column) or `sync members.csv` (absent, so left).
    public var source: String

    public init(memberID: Int64, from: String?, to: String, at: String, source: String) {
        self.memberID = memberID; self.from = from; self.to = to; self.at = at; self.source = source
    }

    public var description: String { "member \(memberID) \(from ?? "-") -> \(to) at \(at) by \"\(source)\"" }
}

/// Writes status changes inside the caller's transaction, all at one instant from one source.
struct StatusChangeLog {
    private let insert: Statement
    let at: String
    let source: String

    init(_ db: Database, at: Date, source: String) throws {
        insert = try db.makeStatement(sql: """
            INSERT INTO muster_status_changes(member_id, from_status, to_status, at, source) VALUES (?, ?, ?, ?, ?)
            """)
        self.at = ISOTime.format(at)
        self.source = source
    }

    func record(member: Int64, from: String?, to: String) throws {
        try insert.execute(arguments: [member, from, to, at, source])
    }
}

extension Store {
    /// Every recorded status change, oldest first (of one member, when given).
    public func statusChanges(member: Int64? = nil) throws -> [StatusChange] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT member_id, from_status, to_status, at, source FROM muster_status_changes
                WHERE ?1 IS NULL OR member_id = ?1 ORDER BY id
                """, arguments: [member])
            return rows.map { StatusChange(memberID: $0[0], from: $0[1], to: $0[2], at: $0[3], source: $0[4]) }
        }
    }
}
