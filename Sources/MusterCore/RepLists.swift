// What a rep sees of the workplaces they represent: who has not voted, who is new, who is coming.
// Names are there only when the union has turned `reps.see_names` on, and never an address.
import Foundation

/// A member as a rep's list names them: first name, last name, role, joined date. Never an address.
public struct ListedMember: Sendable, Hashable {
    public var id: Int64
    public var firstName: String
    public var lastName: String?
    public var role: String?
    /// `YYYY-MM-DD` as the data has it.
    public var joinedOn: String?
    /// The signed link by which the rep reports this member's vote (filled by the caller; nil: none).
    public var markVoted: String?

    public init(id: Int64, firstName: String, lastName: String?, role: String? = nil, joinedOn: String? = nil, markVoted: String? = nil) {
        self.id = id; self.firstName = firstName; self.lastName = lastName; self.role = role; self.joinedOn = joinedOn
        self.markVoted = markVoted
    }

    /// The parts of `member` a list may show: the address is left behind.
    public init(_ member: Member) {
        self.init(id: member.id, firstName: member.firstName, lastName: member.lastName, role: member.role, joinedOn: member.joinedOn)
    }

    /// The order a rep's list is in: by last name, then first name (case and accents ignored), then id.
    /// Who to talk to first is the rep's call, so the list does not rank anyone.
    public static func alphabetical(_ a: ListedMember, _ b: ListedMember) -> Bool {
        func key(_ s: String?) -> String { (s ?? "").folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        let la = key(a.lastName), lb = key(b.lastName)
        if la != lb { return la < lb }
        let fa = key(a.firstName), fb = key(b.firstName)
        if fa != fb { return fa < fb }
        return a.id < b.id
    }
}

/// One open ballot at one workplace, as its rep sees it.
public struct WorkplaceBallot: Sendable, Hashable {
    /// The ballot with the workplace's figures (`workplaceVoted`, `workplaceEligible`).
    public var figures: BallotFigures
    /// Eligible members at the workplace with no vote recorded, alphabetically; empty without names.
    public var notVoted: [ListedMember]
    public var notVotedCount: Int

    public init(figures: BallotFigures, notVoted: [ListedMember], notVotedCount: Int) {
        self.figures = figures; self.notVoted = notVoted; self.notVotedCount = notVotedCount
    }

    /// More votes needed at the workplace for its turnout to reach the threshold (0 once it has);
    /// nil without a threshold or eligible members. Reckoned as the percentages are shown (rounded
    /// down), so that "0 more needed" and "turnout ≥ threshold" always agree.
    public var votesNeeded: Int? {
        guard let p = figures.thresholdPercent, let e = figures.workplaceEligible, e > 0 else { return nil }
        let target = (p * e + 99) / 100
        return max(0, target - (figures.workplaceVoted ?? 0))
    }
}

/// An upcoming event and who from the workplace has registered for it.
public struct WorkplaceEvent: Sendable, Hashable {
    public var event: Event
    /// Registered members of the workplace, alphabetically; empty without names.
    public var registered: [ListedMember]
    public var registeredCount: Int

    public init(event: Event, registered: [ListedMember], registeredCount: Int) {
        self.event = event; self.registered = registered; self.registeredCount = registeredCount
    }
}

/// One workplace a rep represents, with what they can act on there.
public struct RepWorkplace: Sendable, Hashable {
    public var workplace: Workplace
    public var ballots: [WorkplaceBallot]
    public var events: [WorkplaceEvent]
    /// Members who joined recently, alphabetically; empty without names.
    public var newMembers: [ListedMember]
    public var newMemberCount: Int

    public init(workplace: Workplace, ballots: [WorkplaceBallot] = [], events: [WorkplaceEvent] = [],
                newMembers: [ListedMember] = [], newMemberCount: Int = 0) {
        self.workplace = workplace; self.ballots = ballots; self.events = events
        self.newMembers = newMembers; self.newMemberCount = newMemberCount
    }
}

/// The workplaces of a rep's message (their digest, or a ballot's `to: reps` step), each labelled,
/// the one their digest is about first.
public struct RepLists: Sendable, Hashable {
    /// Whether names are shown (`reps.see_names`); without it every list is empty and only counts remain.
    public var names: Bool
    public var workplaces: [RepWorkplace]

    public init(names: Bool, workplaces: [RepWorkplace]) {
        self.names = names; self.workplaces = workplaces
    }

    /// Fills every `markVoted` link with `make(member, ballot)`.
    public mutating func fillMarkVoted(_ make: (_ memberID: Int64, _ ballot: Ballot) -> String?) {
        for w in workplaces.indices {
            for b in workplaces[w].ballots.indices {
                let ballot = workplaces[w].ballots[b].figures.ballot
                for n in workplaces[w].ballots[b].notVoted.indices {
                    workplaces[w].ballots[b].notVoted[n].markVoted = make(workplaces[w].ballots[b].notVoted[n].id, ballot)
                }
            }
        }
    }
}
