// The outbox as a pure state machine: from an entry and a delivery result to the next state.
import Foundation

/// What the outbox needs to know about an entry to decide its next state.
public struct OutboxEntryStatus: Sendable, Hashable {
    public var state: OutboxState
    /// Attempts made before this result.
    public var attempts: Int
    public var createdAt: Date
    /// After this it is never sent; nil means it never expires.
    public var expiresAt: Date?

    public init(state: OutboxState, attempts: Int, createdAt: Date, expiresAt: Date?) {
        self.state = state; self.attempts = attempts; self.createdAt = createdAt; self.expiresAt = expiresAt
    }
}

/// Side effects the store carries out along with the new state.
public enum OutboxAction: Sendable, Hashable {
    /// Keep the server's reply (or the fault) on the entry.
    case recordReply(String)
    /// Suppress the entry's address for every topic (`muster_suppressions`, kind `bounced`).
    case suppressAddress(reason: String)
}

/// The next state of an outbox entry after one delivery attempt.
///
/// States: `queued` → `sending` (claimed) → `sent` | `queued` again (deferred, with a later
/// `nextAttemptAt`) | `failed` | `expired`; `suppressed` is set before sending. The final states
/// are never left. For example, an entry created at 09:00 that expires at 12:00:
///
/// | attempt | at    | result                       | next                                   |
/// |---------|-------|------------------------------|----------------------------------------|
/// | 1       | 09:00 | `deferred("421 try later")`  | queued, next attempt 09:01             |
/// | 2       | 09:01 | `deferred("451 greylisted")` | queued, next attempt 09:03             |
/// | 3       | 09:03 | `sent("250 OK")`             | sent                                   |
///
/// had attempt 3 been `failed("550 5.1.1 unknown", unknownUser: true)`, the entry is `failed` and the
/// actions say to suppress the address; a deferral at 11:30 whose next attempt would fall after
/// 12:00 makes it `expired` instead of queued. The reply is always recorded.
public struct OutboxTransition: Sendable, Hashable {
    public var state: OutboxState
    /// Set when `state` is `queued`.
    public var nextAttemptAt: Date?
    /// Attempts including this one.
    public var attempts: Int
    public var actions: [OutboxAction]

    public init(state: OutboxState, nextAttemptAt: Date?, attempts: Int, actions: [OutboxAction]) {
        self.state = state; self.nextAttemptAt = nextAttemptAt; self.attempts = attempts; self.actions = actions
    }

    /// Decides what follows `result` for `entry` at `now`. An entry already in a final state stays
    /// there with no actions (a late result never reopens a message).
    public static func after(
        _ result: DeliveryResult, entry: OutboxEntryStatus, now: Date, policy: RetryPolicy = .standard
    ) -> OutboxTransition {
        if entry.state.isFinal {
            return OutboxTransition(state: entry.state, nextAttemptAt: nil, attempts: entry.attempts, actions: [])
        }
        let attempts = entry.attempts + 1
        switch result {
        case .sent(let reply):
            return OutboxTransition(state: .sent, nextAttemptAt: nil, attempts: attempts, actions: [.recordReply(reply)])
        case .failed(let reply, let unknownUser):
            var actions: [OutboxAction] = [.recordReply(reply)]
            if unknownUser { actions.append(.suppressAddress(reason: reply)) }
            return OutboxTransition(state: .failed, nextAttemptAt: nil, attempts: attempts, actions: actions)
        case .deferred(let reply, _):
            let next = now.addingTimeInterval(policy.delay(afterAttempt: attempts))
            if Expiry.hasPassed(entry.expiresAt, at: next) {
                return OutboxTransition(state: .expired, nextAttemptAt: nil, attempts: attempts, actions: [.recordReply(reply)])
            }
            return OutboxTransition(state: .queued, nextAttemptAt: next, attempts: attempts, actions: [.recordReply(reply)])
        }
    }

    /// An entry still waiting at `now` past its expiry becomes `expired`; otherwise nil.
    public static func expiry(of entry: OutboxEntryStatus, now: Date) -> OutboxTransition? {
        guard !entry.state.isFinal, entry.state != .sending, Expiry.hasPassed(entry.expiresAt, at: now) else { return nil }
        return OutboxTransition(state: .expired, nextAttemptAt: nil, attempts: entry.attempts, actions: [])
    }

    /// The reason the store records with the state this transition reaches: why a message that was
    /// tried ended unsent. Nil for `sent` and `queued`, which keep the entry's reason as it is.
    public var reason: String? { Self.reason(for: state) }

    /// The reason recorded with `state` when delivery (or its expiry) put an entry there:
    /// `failed` is "refused by the server", `expired` is "expired before it could be sent".
    public static func reason(for state: OutboxState) -> String? {
        switch state {
        case .failed: return "refused by the server"
        case .expired: return "expired before it could be sent"
        case .queued, .sending, .sent, .suppressed: return nil
        }
    }
}

/// Why queued entries are stopped after they were enqueued: the member said so through a link,
/// or their address bounced on another message. Each suppresses only entries still `queued`.
public enum LateSuppression: Sendable, Hashable, CaseIterable {
    /// An unsubscribe link: the member's queued messages of that topic (all topics for `*`).
    case unsubscribed
    /// An "I've voted" link: the member's queued messages about that ballot.
    case voted
    /// An RSVP "no": the member's queued messages about that event.
    case rsvpNo
    /// A 5.1.x refusal of the address: every other queued message to it.
    case addressBounced
    /// The event was cancelled (or its row deleted): every queued message about it.
    case eventCancelled
    /// The event changed again: queued notices of the earlier change (the newer notice says it all).
    case noticeSuperseded
    /// A feedback report (the member marked a message as spam): every queued message to them.
    case complained

    /// As recorded in `muster_outbox.reason`.
    public var reason: String {
        switch self {
        case .unsubscribed: return "unsubscribed"
        case .voted: return "voted"
        case .rsvpNo: return "rsvp_no"
        case .addressBounced: return "address bounced"
        case .eventCancelled: return "event cancelled"
        case .noticeSuperseded: return "superseded by a later change"
        case .complained: return "complaint"
        }
    }
}
