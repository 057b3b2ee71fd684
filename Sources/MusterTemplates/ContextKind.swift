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
/// digest.upcoming_events[] (event fields)  .open_ballots[] (ballot fields)
///       .new_members[] (first_name, last_name, name)                                  (recurring rules)
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
    static let newMember = values(["first_name", "last_name", "name"])

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
        case .recurring:
            root["digest"] = .object([
                "upcoming_events": .list(event),
                "open_ballots": .list(ballot),
                "new_members": .list(newMember),
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
