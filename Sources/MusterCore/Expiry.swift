// When a message stops being worth sending: one definition for the planner, the outbox and preview.
import Foundation

/// The expiry of a message, decided once.
///
/// The instant is computed when the occurrence is planned and stored with the outbox entry
/// (`muster_outbox.expires_at`); everything after compares against that stored instant with
/// `hasPassed`, and the store's SQL states the same comparison on the column
/// (`expires_at IS NOT NULL AND expires_at <= now`). For example a reminder of an event that
/// starts at 18:30 expires at 18:30: planned at 18:29 it is still sent, at 18:30 it is not, and a
/// deferral at 18:20 whose next attempt would be 18:30 expires instead of waiting.
///
/// | rule kind           | expires at                 |
/// |---------------------|----------------------------|
/// | sequence, recurring, broadcast | due + the rule's `grace` |
/// | event               | the event's start          |
/// | ballot              | the ballot's close         |
public enum Expiry {
    /// The instant a message of `rule`, due at `due`, stops being sent. `eventStart` and
    /// `ballotClose` are those of the event or ballot it is about (used by event and ballot rules).
    public static func instant(rule: Rule, due: Date, eventStart: Date?, ballotClose: Date?) -> Date {
        switch rule.kind {
        case .event: if let eventStart { return eventStart }
        case .ballot: if let ballotClose { return ballotClose }
        case .sequence, .recurring, .broadcast: break
        }
        return afterGrace(rule, due: due)
    }

    /// Due plus the rule's grace: the expiry of sequence and recurring messages.
    public static func afterGrace(_ rule: Rule, due: Date) -> Date {
        due.addingTimeInterval(rule.grace.seconds)
    }

    /// True when a message expiring at `expires` may no longer be sent (or tried again) at `moment`:
    /// `moment >= expires`. Nil never expires.
    public static func hasPassed(_ expires: Date?, at moment: Date) -> Bool {
        guard let expires else { return false }
        return moment >= expires
    }
}
