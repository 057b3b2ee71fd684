// What `muster explain` reads about one member: their row, their outbox entries, their votes, and
// which part of a rule's audience leaves them out.
import Foundation
import GRDB
import MusterCore

/// The read-only questions of `muster explain`, about one member.
public struct ExplainQueries: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { pool = store.pool }

    public func member(_ id: Int64) throws -> Member? {
        try pool.read { db in try RenderQueries.members(db, ids: [id])[id] }
    }

    /// The member's outbox entries (without their bytes), oldest first.
    public func entries(member: Int64) throws -> [OutboxEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(OutboxEntry.columns) FROM muster_outbox WHERE member_id = ? ORDER BY id",
                             arguments: [member]).map { OutboxEntry(row: $0, withMessage: false) }
        }
    }

    /// The member's ballot places: ballot id, title, when they voted (nil: not yet), and who told
    /// muster so (the latest `muster_vote_reports` row; nil when the district's own data says it).
    public func ballotPlaces(member: Int64) throws -> [(ballot: Int64, title: String, votedAt: String?, reportedBy: VoteReporter?)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.id, b.title, bm.voted_at,
                       (SELECT vr.reported_by FROM muster_vote_reports vr
                        WHERE vr.ballot_id = b.id AND vr.member_id = bm.member_id ORDER BY vr.id DESC LIMIT 1)
                FROM ballot_members bm JOIN ballots b ON b.id = bm.ballot_id
                WHERE bm.member_id = ? ORDER BY b.id
                """, arguments: [member]).map { row in
                let by: String? = row[3]
                let reporter: VoteReporter? = by.map { $0 == "member" ? .member : Int64($0).map(VoteReporter.rep) } ?? nil
                return (ballot: row[0], title: row[1], votedAt: row[2], reportedBy: reporter)
            }
        }
    }

    /// Why `member` is not in `rule`'s audience at `now`, in plain words ("status is lapsed"); nil
    /// when they are in it. Each part of the audience is tried on its own, in the order a reader
    /// would look: status, section, role, workplace, rep, then the `where:` condition.
    public func audienceMiss(_ rule: Rule, member: Member, now: Date, today: String) throws -> String? {
        try pool.read { db in
            func passes(_ a: Audience) throws -> Bool {
                var q = MemberQuery(a, now: now, today: today)
                q.require("m.id = \(q.bind(member.id))")
                return try Int64.fetchOne(db, sql: q.sql(select: "m.id"), arguments: q.statementArguments) != nil
            }
            let a = rule.audience
            if try passes(a) { return nil }
            let any = MemberStatus.allCases
            if try !passes(Audience(status: a.status)) {
                return "status is \(member.status.rawValue)"
            }
            if let s = a.section, try !passes(Audience(status: any, section: s)) {
                return "section is \(member.section ?? "none"), the rule's audience is \(s.joined(separator: ", "))"
            }
            if let r = a.role, try !passes(Audience(status: any, role: r)) {
                return "role is \(member.role ?? "none"), the rule's audience is \(r.joined(separator: ", "))"
            }
            if a.workplaceKind != nil || a.workplace != nil,
               try !passes(Audience(status: any, workplaceKind: a.workplaceKind, workplace: a.workplace)) {
                return "their workplace is not one the rule names"
            }
            if let rep = a.rep, try !passes(Audience(status: any, rep: rep)) {
                return rep ? "not a rep" : "a rep, and the rule is for members who are not"
            }
            return "the rule's 'where' condition leaves them out"
        }
    }
}
