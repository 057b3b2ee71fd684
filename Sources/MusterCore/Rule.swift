// A schedule rule: one file of schedules/, one of four kinds (sequence, event, ballot, recurring).
import Foundation

/// A rule from `schedules/ID.yaml`: who (audience, recipients), when (steps) and what (templates).
public struct Rule: Sendable, Hashable {
    /// The file name without `.yaml`.
    public var id: String
    /// The file as named in errors, e.g. `schedules/welcome.yaml`.
    public var file: String
    public var kind: RuleKind
    public var audience: Audience
    /// What a member can unsubscribe from: `welcome`, `meetings`, `ballots`, `newsletter`...
    public var topic: String
    /// How late a message may still go: older ones are skipped, never sent late. Default 1d.
    public var grace: Offset
    /// Free text for people; muster ignores it.
    public var description: String?
    /// Numbered from 1 in occurrences; a recurring rule has one step.
    public var steps: [Step]
    /// An event rule's `changed:` and `cancelled:` templates: notices when an event it follows changes.
    public var notices = EventNoticeTemplates()
    /// How it weighs against other rules when a member's limit is reached (`mail.per_member`).
    /// A step may set its own. Default normal.
    public var priority: Priority = .normal
    /// Files attached to each message (recurring rules): `report.html`, the organising report.
    public var attachments: [String] = []

    /// What `attach:` may name.
    public static let attachable = ["report.html"]

    public init(
        id: String, file: String? = nil, kind: RuleKind, audience: Audience = .active, topic: String,
        grace: Offset = .days(1), description: String? = nil, steps: [Step]
    ) {
        self.id = id; self.file = file ?? "schedules/\(id).yaml"; self.kind = kind; self.audience = audience
        self.topic = topic; self.grace = grace; self.description = description; self.steps = steps
    }

    /// Each step's priority: its own, else the rule's.
    public var stepPriorities: [Priority] { steps.map { $0.priority ?? priority } }

    /// Every template the rule uses, in step order.
    public var templates: [String] { steps.map(\.template) + notices.all }

    /// Whether its messages carry a calendar invite.
    public var calendar: Bool {
        if case let .event(_, _, calendar) = kind { return calendar }
        return false
    }
}

/// The four kinds of rule and what each needs beyond its steps.
public enum RuleKind: Sendable, Hashable {
    /// Per member, from a date: `anchor: joined_on` or `anchor: entered_audience`.
    case sequence(anchor: SequenceAnchor)
    /// Per event and recipient.
    case event(EventSelection, recipients: EventRecipients, calendar: Bool)
    /// Per open ballot and eligible member.
    case ballot(recipients: BallotRecipients)
    /// Per cron firing and member of the audience.
    case recurring
    /// One message to each member of the audience, once, at one recipient-local time (its step's
    /// `.once(day)` at `at`): a petition launch, a journal issue, a convening announcement.
    case broadcast

    public var name: String {
        switch self {
        case .sequence: return "sequence"
        case .event: return "event"
        case .ballot: return "ballot"
        case .recurring: return "recurring"
        case .broadcast: return "broadcast"
        }
    }
}

/// What a sequence counts from.
public enum SequenceAnchor: Sendable, Hashable {
    /// A member date column (`joined_on`): local midnight of that date in the member's zone.
    case column(String)
    /// The moment muster first saw the member in the rule's audience (`muster_audience_entries`).
    /// Members already in the audience when the rule is first planned are a baseline, never mailed.
    case enteredAudience

    /// The member date columns a sequence may count from.
    public static let dateColumns = ["joined_on"]
}

/// Which events an event rule follows: `events: { kind: [meeting, conference], workplace: district }`.
public struct EventSelection: Sendable, Hashable {
    public var kinds: [String]
    /// Workplace ids (numbers) or names; `district` means district-wide events (no workplace). nil: all.
    public var workplaces: [String]?

    public init(kinds: [String], workplaces: [String]? = nil) {
        self.kinds = kinds; self.workplaces = workplaces
    }
}

/// Who hears about an event.
public enum EventRecipients: String, Sendable, Hashable, CaseIterable {
    /// The event's workplace's members, or everyone for a district-wide event.
    case invited
    /// Members whose registration is `registered`.
    case registered
    /// Invited but not registered (an extension of DESIGN.md, for "reps not yet registered").
    case unregistered
}

/// Who hears about a ballot.
public enum BallotRecipients: String, Sendable, Hashable, CaseIterable {
    /// Eligible members (`ballot_members`) with no vote recorded: the turnout chaser.
    case notVoted = "not_voted"
    /// Every eligible member, voted or not (an extension of DESIGN.md, e.g. for a result notice).
    case eligible
}
