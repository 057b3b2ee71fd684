// The parts of a render context that only reps see: their workplaces' lists (names only with `reps.see_names`).
import Foundation
import MusterCore

extension RenderContext {
    /// A name on a rep's list: first name, last name, name, role, joined date, and the `mark_voted`
    /// link where there is one. Never an address: `ListedMember` has none.
    static func listed(_ m: ListedMember) -> [String: Any] {
        var p: [String: Any] = [:]
        let first = oneLine(m.firstName) ?? "", last = oneLine(m.lastName)
        put(&p, "first_name", first)
        put(&p, "last_name", last)
        put(&p, "name", Member.fullName(first: first, last: last))
        put(&p, "role", oneLine(m.role))
        put(&p, "joined_on", m.joinedOn.flatMap(LocalDay.init).map(PeopleTime.day))
        put(&p, "mark_voted", m.markVoted)
        return p
    }

    /// A ballot at one workplace: the ballot's fields, with `not_voted[]`, `not_voted_count`,
    /// `votes_needed` and `threshold_met` for the workplace.
    static func workplaceBallot(_ b: WorkplaceBallot, _ time: PeopleTime) -> [String: Any] {
        var d = ballot(b.figures, time)
        d["not_voted"] = b.notVoted.map(listed)
        d["not_voted_count"] = b.notVotedCount
        d["everyone_voted"] = b.notVotedCount == 0
        if let n = b.votesNeeded {
            d["votes_needed"] = n
            d["votes_needed_text"] = ContextText(n == 1 ? "1 more vote" : "\(n) more votes")
            d["threshold_met"] = n == 0
        }
        return d
    }

    /// The recipient's zone and the organisation's, which an event's times are written in.
    typealias Zones = (recipient: TimeZone, organisation: TimeZone)

    static func workplaceEvent(_ e: WorkplaceEvent, _ zones: Zones) -> [String: Any] {
        var d = event(e.event, zones.recipient, zones.organisation)
        d["registered"] = e.registered.map(listed)
        d["registered_count"] = e.registeredCount
        return d
    }

    /// One workplace of a rep's lists. `new_members` is the list of names with names on, else the count.
    static func repWorkplace(_ w: RepWorkplace, names: Bool, _ time: PeopleTime, zones: Zones) -> [String: Any] {
        var d: [String: Any] = [:]
        put(&d, "name", oneLine(w.workplace.name))
        d["open_ballots"] = w.ballots.map { workplaceBallot($0, time) }
        d["upcoming_events"] = w.events.map { workplaceEvent($0, zones) }
        d["new_members"] = names ? w.newMembers.map(listed) as Any : w.newMemberCount as Any
        countNewMembers(&d, w.newMemberCount)
        return d
    }

    /// `digest`: the digest's own workplace at the top (`open_ballots[].not_voted`,
    /// `upcoming_events[].registered`, `new_members`), and every workplace the rep represents in
    /// `workplaces[]`, each labelled. Without names, `new_members` is a count and every list is empty.
    static func digest(_ d: RepDigest, lists: RepLists?, _ time: PeopleTime, zones: Zones) -> [String: Any] {
        let own = lists?.workplaces.first { $0.workplace.id == d.workplaceID }
        let names = lists?.names ?? d.names
        var out: [String: Any] = [
            "names": names,
            "upcoming_events": d.upcomingEvents.map { e in
                own?.events.first { $0.event.id == e.id }.map { workplaceEvent($0, zones) } ?? event(e, zones.recipient, zones.organisation)
            },
            "open_ballots": d.openBallots.map { b in
                own?.ballots.first { $0.figures.ballot.id == b.ballot.id }.map { workplaceBallot($0, time) } ?? ballot(b, time)
            },
            "new_members": names ? d.newMembers.map { newMember($0) } as Any : d.newMemberCount as Any,
        ]
        countNewMembers(&out, d.newMemberCount)
        out["workplaces"] = (lists?.workplaces ?? []).map { repWorkplace($0, names: names, time, zones: zones) }
        return out
    }

    /// `new_members_count`, `new_members_text` ("1 new member") and `no_new_members` (a section cannot test a number).
    static func countNewMembers(_ d: inout [String: Any], _ n: Int) {
        d["new_members_count"] = n
        d["new_members_text"] = ContextText(n == 1 ? "1 new member" : "\(n) new members")
        d["no_new_members"] = n == 0
    }

    /// A new starter in the digest: their name, role and joined date.
    static func newMember(_ m: Member) -> [String: Any] {
        var p = person(m)
        put(&p, "role", oneLine(m.role))
        put(&p, "joined_on", m.joinedOn.flatMap(LocalDay.init).map(PeopleTime.day))
        return p
    }

    /// `chase` in a ballot rule's `to: reps` step: this ballot at each workplace the rep represents.
    static func chase(_ lists: RepLists, _ time: PeopleTime) -> [String: Any] {
        [
            "names": lists.names,
            "workplaces": lists.workplaces.compactMap { w -> [String: Any]? in
                guard let b = w.ballots.first else { return nil }
                var d = workplaceBallot(b, time)
                put(&d, "workplace", oneLine(w.workplace.name))
                return d
            },
        ]
    }
}
