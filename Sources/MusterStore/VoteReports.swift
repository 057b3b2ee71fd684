// Votes reported by a rep from their chase list: who may report whom, and the record of who said so.
import Foundation
import GRDB
import MusterCore

/// Who reported a vote, as `muster_vote_reports.reported_by` holds it: `member`, or the rep's member id.
public enum VoteReporter: Sendable, Hashable, CustomStringConvertible {
    case member
    case rep(Int64)

    public var description: String {
        switch self {
        case .member: "member"
        case .rep(let id): String(id)
        }
    }
}

extension MemberReplies {
    /// What a rep's report of a colleague's vote did.
    public enum RepReport: Sendable, Equatable {
        case recorded(suppressed: Int)
        case alreadyRecorded
        /// The member is not in the ballot: nothing changed.
        case notEligible
        /// The reporter is not, today, an active rep at the member's workplace: nothing changed.
        case notTheirRep
    }

    /// Whether `repID` is an active member with a `reps` row at `memberID`'s workplace: the one
    /// test of "a rep may mark only members of their own workplace", made when the request arrives.
    static func isRep(_ db: Database, repID: Int64, of memberID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS(
              SELECT 1 FROM members m
              JOIN reps r ON r.workplace_id = m.workplace_id
              JOIN members rm ON rm.id = r.member_id
              WHERE m.id = ? AND r.member_id = ? AND rm.status = 'active')
            """, arguments: [memberID, repID]) ?? false
    }

    /// Records, as reported by rep `repID`, that `memberID` has voted in `ballotID`: `voted_at`, a
    /// `muster_vote_reports` row, and the member's queued messages about the ballot suppressed. Checks
    /// in the same transaction that the reporter is a rep at the member's workplace now.
    public func repMarkVoted(repID: Int64, memberID: Int64, ballotID: Int64, now: Date) async throws -> RepReport {
        try await pool.write { db in
            guard try Self.isRep(db, repID: repID, of: memberID) else { return .notTheirRep }
            switch try Self.recordVote(db, memberID: memberID, ballotID: ballotID, by: .rep(repID), now: now) {
            case let .recorded(n): return .recorded(suppressed: n)
            case .alreadyRecorded: return .alreadyRecorded
            case .notEligible: return .notEligible
            }
        }
    }

    /// Sets `voted_at` unless a vote is recorded, writes who reported it, and suppresses the member's
    /// queued messages about the ballot. One place for both the member's link and a rep's.
    static func recordVote(_ db: Database, memberID: Int64, ballotID: Int64, by reporter: VoteReporter, now: Date) throws -> VoteRecord {
        guard let voted = try Bool.fetchOne(db, sql: """
            SELECT \(BallotVote.hasVoted("voted_at")) FROM ballot_members WHERE ballot_id = ? AND member_id = ?
            """, arguments: [ballotID, memberID]) else { return .notEligible }
        if voted { return .alreadyRecorded }
        let at = ISOTime.format(now)
        try db.execute(sql: """
            UPDATE ballot_members SET voted_at = ? WHERE ballot_id = ? AND member_id = ? AND NOT \(BallotVote.hasVoted("voted_at"))
            """, arguments: [at, ballotID, memberID])
        try db.execute(sql: """
            INSERT INTO muster_vote_reports(ballot_id, member_id, reported_by, at) VALUES (?, ?, ?, ?)
            """, arguments: [ballotID, memberID, reporter.description, at])
        return .recorded(suppressed: try OutboxStore.suppressQueued(db, member: memberID, scope: .ballot(ballotID), reason: .voted, now: now))
    }

    /// What a rep's `mark_voted` page shows: the member's name and the ballot's title; nil when the
    /// member is not in the ballot or the reporter is not a rep at their workplace now.
    public func voteReportSummary(repID: Int64, memberID: Int64, ballotID: Int64) async throws -> (member: String, ballot: String, voted: Bool)? {
        try await pool.read { db in
            guard try Self.isRep(db, repID: repID, of: memberID) else { return nil }
            guard let row = try Row.fetchOne(db, sql: """
                SELECT m.first_name, m.last_name, b.title, \(BallotVote.hasVoted("bm.voted_at"))
                FROM ballot_members bm JOIN members m ON m.id = bm.member_id JOIN ballots b ON b.id = bm.ballot_id
                WHERE bm.ballot_id = ? AND bm.member_id = ?
                """, arguments: [ballotID, memberID]) else { return nil }
            return (Member.fullName(first: row[0] ?? "", last: row[1]), row[2] ?? "", row[3] as Bool? ?? false)
        }
    }
}
