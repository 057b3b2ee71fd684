// What a template is rendered from: one member's view of the district at one moment, as plain values.
// In MusterCore so that MusterStore can fill it and MusterTemplates can render it.
import Foundation

/// Everything one message can say, gathered by the caller (RenderQueries, or the samples for `muster check`).
///
/// Optional parts are left out of the Mustache context when nil, so a template tests them with a section:
/// `{{#rep}}Your rep is {{rep.first_name}}{{/rep}}{{^rep}}Your workplace doesn't have a rep yet{{/rep}}`.
public struct RenderInput: Sendable, Hashable {
    public var organisation: Organisation
    public var member: Member
    public var workplace: Workplace?
    /// A rep at the member's workplace (for a rep's own newsletter: the rep themselves may appear).
    public var rep: RepContact?
    /// The event of an event rule.
    public var event: Event?
    /// The event's latest revision as muster saw it (its calendar SEQUENCE, and what it was before a
    /// change, for notices); nil before muster has seen it.
    public var eventChange: EventChange?
    /// The ballot of a ballot rule, with its turnout.
    public var ballot: BallotFigures?
    /// The reps' newsletter of a recurring rule.
    public var digest: RepDigest?
    /// For a rep (their digest, or a ballot's `to: reps` step): the workplaces they represent, with
    /// names only when the union has turned `reps.see_names` on.
    public var repLists: RepLists?
    /// The organising report's summary and top targets, in recurring rules (`report`).
    public var report: ReportDigest? = nil
    public var links: MessageLinks
    /// The zone dates and times are written in: the member's own, else the organisation's.
    public var timeZone: TimeZone

    public init(
        organisation: Organisation, member: Member, workplace: Workplace? = nil, rep: RepContact? = nil,
        event: Event? = nil, ballot: BallotFigures? = nil, digest: RepDigest? = nil, links: MessageLinks = MessageLinks(),
        timeZone: TimeZone
    ) {
        self.organisation = organisation; self.member = member; self.workplace = workplace; self.rep = rep
        self.event = event; self.ballot = ballot; self.digest = digest; self.links = links
        self.timeZone = timeZone
    }
}

/// A rep as a member can reach them: their member row and their rep row.
public struct RepContact: Sendable, Hashable {
    public var member: Member
    public var rep: Rep

    public init(member: Member, rep: Rep) {
        self.member = member; self.rep = rep
    }
}

/// A ballot with its turnout figures at the time of rendering.
///
/// Percentages are rounded down: a template must never say a threshold is met when it is not.
public struct BallotFigures: Sendable, Hashable {
    public var ballot: Ballot
    /// Whole days from today to the closing day, in the recipient's zone (0 on the closing day).
    public var daysLeft: Int
    public var voted: Int
    public var eligible: Int
    /// Among eligible members of the recipient's workplace; nil when the member has no workplace.
    public var workplaceVoted: Int?
    public var workplaceEligible: Int?

    public init(
        ballot: Ballot, daysLeft: Int, voted: Int, eligible: Int,
        workplaceVoted: Int? = nil, workplaceEligible: Int? = nil
    ) {
        self.ballot = ballot; self.daysLeft = daysLeft; self.voted = voted; self.eligible = eligible
        self.workplaceVoted = workplaceVoted; self.workplaceEligible = workplaceEligible
    }

    /// Overall turnout, a whole percentage rounded down (0 when nobody is eligible).
    public var turnoutPercent: Int { Self.percent(voted, of: eligible) }

    /// The workplace's turnout, a whole percentage rounded down, or nil without a workplace.
    public var workplaceTurnoutPercent: Int? {
        guard let v = workplaceVoted, let e = workplaceEligible, e > 0 else { return nil }
        return Self.percent(v, of: e)
    }

    /// The threshold as a whole percentage, whether stored as a fraction (0.5) or a percentage (50).
    public var thresholdPercent: Int? {
        guard let t = ballot.turnoutThreshold, t > 0 else { return nil }
        return Int((t <= 1 ? t * 100 : t).rounded())
    }

    static func percent(_ part: Int, of whole: Int) -> Int {
        guard whole > 0 else { return 0 }
        return part * 100 / whole
    }
}

/// What a rep's newsletter carries.
public struct RepDigest: Sendable, Hashable {
    /// Events in the coming fortnight at the rep's workplace or district-wide, soonest first.
    public var upcomingEvents: [Event]
    /// Open ballots, with turnout at the rep's workplace.
    public var openBallots: [BallotFigures]
    /// Members who joined at the rep's workplace in the last week (only their names are shown), with
    /// `names` on; empty without.
    public var newMembers: [Member]
    /// How many joined at the rep's workplace in the last week, names or not.
    public var newMemberCount: Int
    /// Whether the digest names members (`reps.see_names`).
    public var names: Bool
    /// The workplace the digest is about (`RepChoice.digestWorkplace`).
    public var workplaceID: Int64?

    public init(upcomingEvents: [Event] = [], openBallots: [BallotFigures] = [], newMembers: [Member] = [],
                newMemberCount: Int? = nil, names: Bool = true, workplaceID: Int64? = nil) {
        self.upcomingEvents = upcomingEvents; self.openBallots = openBallots; self.newMembers = newMembers
        self.newMemberCount = newMemberCount ?? newMembers.count; self.names = names; self.workplaceID = workplaceID
    }
}

/// The addresses a message links to, made by the caller (signed tokens); nil leaves a link out.
public struct MessageLinks: Sendable, Hashable {
    public var unsubscribe: String?
    public var voted: String?
    public var rsvpYes: String?
    public var rsvpNo: String?

    public init(unsubscribe: String? = nil, voted: String? = nil, rsvpYes: String? = nil, rsvpNo: String? = nil) {
        self.unsubscribe = unsubscribe; self.voted = voted; self.rsvpYes = rsvpYes; self.rsvpNo = rsvpNo
    }
}
