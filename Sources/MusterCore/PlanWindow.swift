// The span of time one rule's planning pass looks at, and what data it therefore needs.
import Foundation

/// The instants a planning pass considers for one rule.
///
/// - `send`: `now - grace ... now + horizon` (horizon 0 for `tick`): occurrences due here are returned.
/// - `countFrom`: occurrences due after it but before `send` are counted as skipped past grace. It is
///   the rule's last planning instant, or 30 days ago for a rule never planned (so a new rule over a
///   database of long-standing members reports a month's worth, not years).
///
/// The `...Range` methods say which anchors can produce a due time in `searched`, with two days'
/// margin for recipient zones (up to ±14 h) and `at` times, so the store loads no more than needed.
public struct PlanWindow: Sendable, Hashable {
    public static let neverPlannedLookback: TimeInterval = 30 * 86_400
    static let margin: TimeInterval = 2 * 86_400

    public var now: Date
    public var send: ClosedRange<Date>
    public var countFrom: Date

    public init(rule: Rule, now: Date, horizon: TimeInterval, lastPlanned: Date?) {
        self.now = now
        send = now.addingTimeInterval(-rule.grace.seconds)...now.addingTimeInterval(max(0, horizon))
        countFrom = lastPlanned ?? now.addingTimeInterval(-Self.neverPlannedLookback)
    }

    /// From the earliest instant that is either sent or counted, to the end of `send`.
    public var searched: ClosedRange<Date> {
        min(send.lowerBound, countFrom)...send.upperBound
    }

    /// The anchors (a date column's local midnight, or an entry instant) a sequence rule can plan from.
    public func anchorRange(for rule: Rule) -> ClosedRange<Date> {
        let offsets = rule.steps.map { step -> TimeInterval in
            if case let .after(o) = step.timing { return o.seconds }
            return 0
        }
        return searched.lowerBound.addingTimeInterval(-(offsets.max() ?? 0) - Self.margin)
            ... searched.upperBound.addingTimeInterval(-(offsets.min() ?? 0) + Self.margin)
    }

    /// The event starts an event rule can plan for (an event past `searched` can need nothing).
    public func eventStartRange(for rule: Rule) -> ClosedRange<Date> {
        let longest = rule.steps.map { step -> TimeInterval in
            if case let .before(o) = step.timing { return o.seconds }
            return 0
        }.max() ?? 0
        return searched.lowerBound...searched.upperBound.addingTimeInterval(longest + Self.margin)
    }

    /// Whether a ballot open from `opens` to `closes` can have a step due in `searched`.
    public func ballotMatters(opens: Date, closes: Date) -> Bool {
        closes > searched.lowerBound && opens <= searched.upperBound.addingTimeInterval(Self.margin)
    }
}
