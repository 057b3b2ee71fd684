// What the links change in the database: suppressions, voted_at, registrations, and queued mail.
import Foundation
import MusterCore
import MusterStore

/// The acts behind the link pages, carried out by the store (`MemberReplies`). Each act is one
/// transaction, and stores nothing beyond what it names: an unsubscribe row, a `voted_at` time,
/// a registration status.
public struct LinkActions: Sendable {
    public let store: Store
    private let replies: MemberReplies

    public init(store: Store) {
        self.store = store
        replies = MemberReplies(store)
    }

    /// Records the member's unsubscribe from `topic` (`*`: everything) and suppresses their queued messages
    /// of that topic (all topics for `*`) with reason `unsubscribed`. Returns how many were suppressed.
    /// Repeating it changes nothing more.
    @discardableResult
    public func unsubscribe(memberID: Int64, topic: String, now: Date) async throws -> Int {
        try await replies.unsubscribe(memberID: memberID, topic: topic, now: now)
    }

    /// The outcome of an "I've voted" report.
    public enum VotedOutcome: Sendable, Equatable {
        /// `voted_at` was set now; `suppressed` queued messages for the ballot were stopped.
        case recorded(suppressed: Int)
        /// `voted_at` already recorded a vote: nothing changed.
        case alreadyRecorded
        /// The member is not in the ballot (no ballot_members row): nothing changed.
        case notEligible
    }

    /// Sets `ballot_members.voted_at` to `now` unless it already records a vote (an empty value does
    /// not: the planner still counts that member as not voted), and suppresses the member's queued
    /// messages for that ballot (reason `voted`). Stores nothing about the vote.
    public func markVoted(memberID: Int64, ballotID: Int64, now: Date) async throws -> VotedOutcome {
        switch try await replies.markVoted(memberID: memberID, ballotID: ballotID, now: now) {
        case let .recorded(suppressed): return .recorded(suppressed: suppressed)
        case .alreadyRecorded: return .alreadyRecorded
        case .notEligible: return .notEligible
        }
    }

    /// The outcome of an RSVP.
    public enum RSVPOutcome: Sendable, Equatable {
        /// The registration now says `registered` (yes) or `cancelled` (no).
        case recorded
        /// Marked as attended already: left as it is.
        case alreadyAttended
        /// No such event or member: nothing changed.
        case notFound
        /// The event is cancelled: nothing changed.
        case eventCancelled
    }

    /// Inserts or updates the member's registration: `registered` for yes, `cancelled` for no.
    /// A no also suppresses the member's queued messages about that event (reason `rsvp_no`).
    public func rsvp(memberID: Int64, eventID: Int64, answer: RSVPAnswer, now: Date) async throws -> RSVPOutcome {
        switch try await replies.rsvp(memberID: memberID, eventID: eventID, attending: answer == .yes, now: now) {
        case .recorded: return .recorded
        case .alreadyAttended: return .alreadyAttended
        case .notFound: return .notFound
        case .eventCancelled: return .eventCancelled
        }
    }

    /// The outcome of a rep's report that a colleague has voted.
    public enum RepReportOutcome: Sendable, Equatable {
        case recorded(suppressed: Int)
        case alreadyRecorded
        /// The member is not in the ballot: nothing changed.
        case notEligible
        /// The reporter is not a rep at the member's workplace now: nothing changed.
        case notTheirRep
    }

    /// Records, as reported by rep `repID`, that `memberID` has voted: `voted_at`, a row in
    /// `muster_vote_reports` naming the rep, and the member's queued ballot messages suppressed.
    /// Only when `repID` is, at this moment, an active rep at the member's workplace.
    public func repMarkVoted(repID: Int64, memberID: Int64, ballotID: Int64, now: Date) async throws -> RepReportOutcome {
        switch try await replies.repMarkVoted(repID: repID, memberID: memberID, ballotID: ballotID, now: now) {
        case let .recorded(n): return .recorded(suppressed: n)
        case .alreadyRecorded: return .alreadyRecorded
        case .notEligible: return .notEligible
        case .notTheirRep: return .notTheirRep
        }
    }

    // MARK: Reads for the pages

    /// The member's name, the ballot's title and whether a vote is recorded, for a rep's mark_voted
    /// page; nil when the member is not in the ballot or `repID` is not a rep at their workplace now.
    public func voteReportSummary(repID: Int64, memberID: Int64, ballotID: Int64) async throws -> (member: String, ballot: String, voted: Bool)? {
        try await replies.voteReportSummary(repID: repID, memberID: memberID, ballotID: ballotID)
    }

    /// A ballot's title, or nil when there is no such ballot or the member is not in it.
    public func ballotTitle(_ id: Int64, memberID: Int64) async throws -> String? {
        try await replies.ballotTitle(id, memberID: memberID)
    }

    /// An event's title and start, or nil when there is no such event or member.
    public func eventSummary(_ id: Int64, memberID: Int64) async throws -> (title: String, startsAt: Date?, cancelled: Bool)? {
        try await replies.eventSummary(id, memberID: memberID).map { ($0.title, $0.startsAt, $0.cancelled) }
    }

    /// True when the database answers a read.
    public func isReadable() async -> Bool {
        await replies.isReadable()
    }
}

/// Members unsubscribed by topic (`*` is everything), for `muster status`.
public func unsubscribeCounts(store: Store) throws -> [String: Int] {
    try StatusQueries(store).unsubscribeCounts()
}
