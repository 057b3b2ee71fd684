// Sample members, events and ballots for `muster check` and previews when the database has no rows.
import Foundation
import MusterCore

extension RenderInput {
    /// An organisation for samples when the configuration is not at hand.
    public static let sampleOrganisation = Organisation(
        name: "Dorset NEU", timezone: "Europe/London", website: "https://example.org")

    /// A full sample for a kind of rule: a member with a workplace and a rep, and the kind's event,
    /// ballot or digest, with every link of that kind.
    public static func sample(for kind: ContextKind, organisation: Organisation = sampleOrganisation) -> RenderInput {
        let zone = organisation.timeZone
        let workplace = Workplace(id: 1, name: "Hillside Primary School", kind: "primary", town: "Dorchester", staffCount: 40)
        let member = Member(
            id: 1, membershipNumber: "S0001", firstName: "Sam", lastName: "Taylor", email: "sam@example.org",
            workplaceID: 1, role: "teacher", section: "teachers", joinedOn: "2026-11-02")
        let repMember = Member(
            id: 2, membershipNumber: "S0002", firstName: "Priya", lastName: "Shah", email: "priya.shah@example.org",
            workplaceID: 1, role: "teacher", section: "teachers", joinedOn: "2019-09-01")
        let rep = RepContact(member: repMember, rep: Rep(memberID: 2, workplaceID: 1, role: "workplace rep"))
        var input = RenderInput(
            organisation: organisation, member: member, workplace: workplace, rep: rep,
            links: MessageLinks(unsubscribe: "https://muster.example.org/u/sample"), timeZone: zone)
        switch kind {
        case .sequence:
            break
        case .event:
            input.event = sampleEvents[0]
            let e = sampleEvents[0]
            input.eventChange = EventChange(
                event: e, revision: 1,
                previous: .init(startsAt: e.startsAt.addingTimeInterval(-86_400), endsAt: e.endsAt?.addingTimeInterval(-86_400),
                                location: "Dorchester Corn Exchange", status: .scheduled),
                changedAt: e.startsAt.addingTimeInterval(-7 * 86_400))
            input.links.rsvpYes = "https://muster.example.org/r/sample-yes"
            input.links.rsvpNo = "https://muster.example.org/r/sample-no"
        case .ballot:
            input.ballot = sampleBallot
            input.links.voted = "https://muster.example.org/v/sample"
            input.repLists = RepLists(names: true, workplaces: [sampleRepWorkplace(workplace)])
        case .recurring:
            input.member = repMember
            input.digest = RepDigest(
                upcomingEvents: sampleEvents, openBallots: [sampleBallot],
                newMembers: [member, Member(id: 3, membershipNumber: "S0003", firstName: "Alex", workplaceID: 1)], workplaceID: 1)
            input.repLists = RepLists(names: true, workplaces: [sampleRepWorkplace(workplace)])
            input.report = .sample
        }
        return input
    }

    /// A sparse sample: no workplace, rep, last name or links, for checking that a template still reads well.
    public static func sparseSample(for kind: ContextKind, organisation: Organisation = sampleOrganisation) -> RenderInput {
        var input = sample(for: kind, organisation: organisation)
        input.member = Member(id: 9, membershipNumber: "S0009", firstName: "Jo")
        input.workplace = nil
        input.rep = nil
        input.links = MessageLinks()
        if var b = input.ballot {
            b.workplaceVoted = nil
            b.workplaceEligible = nil
            b.ballot.turnoutThreshold = nil
            input.ballot = b
        }
        if kind == .recurring {
            input.digest = RepDigest()
            input.report?.targets = []
        }
        input.repLists = nil
        return input
    }

    static let sampleEvents = [
        Event(
            id: 1, kind: "meeting", title: "District meeting", startsAt: ISOTime.parseInstant("2026-12-01T18:30:00Z")!,
            endsAt: ISOTime.parseInstant("2026-12-01T20:00:00Z")!, location: "Dorchester Corn Exchange",
            url: "https://example.org/meetings/december", workplaceID: nil,
            description: "Pay, workload and the ballot."),
        Event(
            id: 2, kind: "training", title: "New reps' course", startsAt: ISOTime.parseInstant("2026-12-05T09:30:00Z")!,
            endsAt: ISOTime.parseInstant("2026-12-05T15:30:00Z")!, location: "Weymouth Teachers' Centre",
            url: nil, workplaceID: 1, description: nil),
    ]

    /// A rep's workplace with names on: two colleagues to chase, one new starter, one registration.
    static func sampleRepWorkplace(_ workplace: Workplace) -> RepWorkplace {
        let chase = [
            ListedMember(id: 4, firstName: "Chris", lastName: "Adams", role: "teaching assistant",
                         markVoted: "https://muster.example.org/m/sample-4"),
            ListedMember(id: 5, firstName: "Dana", lastName: "Okafor", role: "teacher", markVoted: "https://muster.example.org/m/sample-5"),
        ]
        return RepWorkplace(
            workplace: workplace,
            ballots: [WorkplaceBallot(figures: sampleBallot, notVoted: chase, notVotedCount: 20)],
            events: sampleEvents.map {
                WorkplaceEvent(event: $0, registered: $0.id == 1 ? [ListedMember(id: 6, firstName: "Eve", lastName: "Brown")] : [],
                               registeredCount: $0.id == 1 ? 1 : 0)
            },
            newMembers: [ListedMember(id: 1, firstName: "Sam", lastName: "Taylor", role: "teacher", joinedOn: "2026-11-02")],
            newMemberCount: 1)
    }

    static let sampleBallot = BallotFigures(
        ballot: Ballot(
            id: 1, title: "Ballot on pay", opensAt: ISOTime.parseInstant("2026-11-16T08:00:00Z")!,
            closesAt: ISOTime.parseInstant("2026-12-04T17:00:00Z")!, turnoutThreshold: 0.5,
            url: "https://example.org/ballot"),
        daysLeft: 3, voted: 620, eligible: 2000, workplaceVoted: 9, workplaceEligible: 29)
}
