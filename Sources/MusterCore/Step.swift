// One step of a rule: when it falls (relative to an anchor, or a cron), at what local time, which template.
import Foundation

/// When a step falls, relative to its rule's anchor.
public enum StepTiming: Sendable, Hashable {
    /// Sequence: after the member's anchor (a date column, or the day they entered the audience).
    case after(Offset)
    /// Event: before the event starts.
    case before(Offset)
    /// Ballot: after it opens.
    case afterOpen(Offset)
    /// Ballot: every so often while it is open, counted from its opening (the first one interval after).
    case every(Offset)
    /// Ballot: before it closes.
    case beforeClose(Offset)
    /// Recurring: at each firing of the rule's cron expression (organisation time zone).
    case cron(Cron)
    /// Broadcast: on this local day (the member's zone, else the organisation's), at the step's `at`.
    case once(LocalDay)
}

/// One message a rule sends: `{ after: 7d, at: "09:00", template: welcome-2-your-rep }`.
public struct Step: Sendable, Hashable {
    public var timing: StepTiming
    /// Recipient-local time of day; nil means the anchor plus the offset exactly.
    public var at: TimeOfDay?
    public var template: String
    /// The step's own priority (a ballot's last days: high); nil: the rule's.
    public var priority: Priority?
    /// Whom the step mails: the rule's recipients, or (ballot rules, `to: reps`) the reps of their workplaces.
    public var to: StepRecipients

    public init(_ timing: StepTiming, at: TimeOfDay? = nil, to: StepRecipients = .members, template: String, priority: Priority? = nil) {
        self.timing = timing; self.at = at; self.to = to; self.template = template; self.priority = priority
    }
}

/// `to:` in a ballot step.
public enum StepRecipients: String, Sendable, Hashable, CaseIterable {
    /// The rule's recipients (`not_voted` or `eligible` members): the default.
    case members
    /// Each active rep at a workplace with eligible members who have not voted, once per step, with
    /// that workplace's turnout (and, with `reps.see_names`, the names to chase).
    case reps
}
