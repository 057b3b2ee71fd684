// The variables a template may use, by the kind of rule that sends it: what the strict check holds templates to.
import Foundation

/// The kind of rule a template is rendered for; it decides which variables exist.
public enum ContextKind: String, Sendable, CaseIterable, Hashable {
    case sequence, event, ballot, recurring
}

/// The shape of a context value: a plain value (text, number, yes/no), a group of named values, or a list.
indirect enum Field: Sendable, Equatable {
    case value
    case object([String: Field])
    case list([String: Field])
}

/// The declared context, exactly as RenderContext builds it.
///
/// ```
/// organisation.name .website
/// member.first_name .last_name .name .membership_number .role .section .joined_on
/// workplace.name .kind .town
/// rep.first_name .last_name .name .email .role
/// links.unsubscribe  (+ links.voted in ballot rules, links.rsvp_yes / links.rsvp_no in event rules)
/// event.title .kind .starts .date .time .ends .location .url .description .district_wide .online .cancelled (event rules)
/// change.moved .relocated .cancelled .revision .previous_starts .previous_date .previous_time .previous_ends
///       .previous_location                                                            (event rules, once changed)
/// ballot.title .opens .closes .closes_date .closes_time .url .days_left .days_left_text ("1 day", "3 days") .closes_today .turnout_percent .workplace_turnout_percent
///       .threshold_percent .voted .eligible .workplace_voted .workplace_eligible         (ballot rules)
/// chase.names .workplaces[] (ballot fields, workplace, not_voted[], not_voted_count, everyone_voted,
///       votes_needed, votes_needed_text ("3 more votes"), threshold_met)                                                                (ballot rules, `to: reps`)
/// digest.names .upcoming_events[] (event fields, registered[], registered_count)
///       .open_ballots[] (ballot fields, not_voted[], not_voted_count, votes_needed, threshold_met)
///       .new_members[] (first_name, last_name, name, role, joined_on; a count without names)
///       .new_members_count .new_members_text .no_new_members .workplaces[] (name and the same lists, per workplace)       (recurring rules)
/// a listed name: first_name, last_name, name, role, joined_on, mark_voted (never an address)
/// report.date .summary[] (label, value) .targets[] (name, active, staff, density, reps, why) .targets_more   (recurring rules)
/// ```
enum ContextSchema {
    static func values(_ names: [String]) -> [String: Field] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, Field.value) })
    }

    static let organisation = values(["name", "website"])
    static let member = values(["first_name", "last_name", "name", "membership_number", "role", "section", "joined_on"])
    static let workplace = values(["name", "kind", "town"])
    static let rep = values(["first_name", "last_name", "name", "email", "role"])
    static let event = values([
        "title", "kind", "starts", "date", "time", "ends", "location", "url", "description", "district_wide",
        "online", "cancelled",
    ])
    /// What a notice says changed (event rules; present once the event has changed).
    static let change = values([
        "moved", "relocated", "cancelled", "revision", "previous_starts", "previous_date", "previous_time",
        "previous_ends", "previous_location",
    ])
    static let ballot = values([
        "title", "opens", "closes", "closes_date", "closes_time", "url", "days_left", "days_left_text", "closes_today", "turnout_percent",
        "workplace_turnout_percent", "threshold_percent", "voted", "eligible", "workplace_voted",
        "workplace_eligible",
    ])
    static let newMember = values(["first_name", "last_name", "name", "role", "joined_on"])
    /// A name on a rep's list (never an address), with the `mark_voted` link in ballots.
    static let listed = values(["first_name", "last_name", "name", "role", "joined_on", "mark_voted"])
    /// A ballot at a rep's workplace: the ballot's fields and who there has not voted.
    static var workplaceBallot: [String: Field] {
        ballot.merging([
            "not_voted": .list(listed), "not_voted_count": .value, "everyone_voted": .value, "votes_needed": .value,
            "votes_needed_text": .value, "threshold_met": .value,
        ]) { $1 }
    }
    static var workplaceEvent: [String: Field] {
        event.merging(["registered": .list(listed), "registered_count": .value]) { $1 }
    }

    /// The root of the context for a kind of rule.
    static func root(_ kind: ContextKind) -> [String: Field] {
        var links = ["unsubscribe"]
        var root: [String: Field] = [
            "organisation": .object(organisation),
            "member": .object(member),
            "workplace": .object(workplace),
            "rep": .object(rep),
        ]
        switch kind {
        case .sequence:
            break
        case .event:
            links += ["rsvp_yes", "rsvp_no"]
            root["event"] = .object(event)
            root["change"] = .object(change)
        case .ballot:
            links += ["voted"]
            root["ballot"] = .object(ballot)
            // A `to: reps` step: the ballot at each workplace the rep represents.
            root["chase"] = .object([
                "names": .value,
                "workplaces": .list(workplaceBallot.merging(["workplace": .value]) { $1 }),
            ])
        case .recurring:
            root["digest"] = .object([
                "names": .value,
                "upcoming_events": .list(workplaceEvent),
                "open_ballots": .list(workplaceBallot),
                "new_members": .list(newMember),
                "new_members_count": .value, "new_members_text": .value, "no_new_members": .value,
                "workplaces": .list([
                    "name": .value,
                    "upcoming_events": .list(workplaceEvent),
                    "open_ballots": .list(workplaceBallot),
                    "new_members": .list(newMember),
                    "new_members_count": .value, "new_members_text": .value, "no_new_members": .value,
                ]),
            ])
            root["report"] = .object([
                "date": .value, "targets_more": .value,
                "summary": .list(values(["label", "value"])),
                "targets": .list(values(["name", "active", "staff", "density", "reps", "why"])),
            ])
        }
        root["links"] = .object(values(links))
        return root
    }

    /// Where a variable lives when it is not in this kind, for a helpful error ("only in event rules").
    static func kindsDeclaring(_ path: [String]) -> [ContextKind] {
        ContextKind.allCases.filter { resolve(path, in: root($0)) != nil }
    }

    /// The field at a dotted path from an object, or nil.
    static func resolve(_ path: [String], in object: [String: Field]) -> Field? {
        guard let first = path.first, let f = object[first] else { return nil }
        if path.count == 1 { return f }
        if case let .object(inner) = f { return resolve(Array(path.dropFirst()), in: inner) }
        return nil
    }
}
