// "Has voted", said once: the planner, the renderer's turnout and the "I've voted" link all use it.
import Foundation

/// A member has voted when their `ballot_members.voted_at` holds a value: NULL and the empty
/// string (what a spreadsheet export leaves in an empty cell) are not votes.
///
///     "... WHERE NOT \(BallotVote.hasVoted("b.voted_at"))"     // members still to vote
enum BallotVote {
    /// The SQL condition that the `voted_at` column `column` records a vote.
    static func hasVoted(_ column: String) -> String {
        "(\(column) IS NOT NULL AND \(column) != '')"
    }
}
