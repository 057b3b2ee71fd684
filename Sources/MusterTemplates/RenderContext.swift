// Turning a RenderInput into the Mustache context: only text, whole numbers and yes/no, never a nil.
import Foundation
import MusterCore

/// Builds the dictionary a template sees (ContextSchema lists its keys).
///
/// swift-mustache writes a nil optional as the word "nil" and a Date by its description, so a missing
/// value is left out (a section over it renders nothing) and every date is pre-formatted for people in
/// the recipient's zone. A web address from the data (`event.url`, `ballot.url`, `organisation.website`)
/// is there only when it is http(s) (``WebAddress``): a `javascript:` one never reaches an `href`.
enum RenderContext {
    static func build(_ input: RenderInput, cache: RenderCache? = nil) -> [String: Any] {
        let time = PeopleTime(timeZone: input.timeZone)
        var root: [String: Any] = [:]

        if let org = cache?.organisation, cache?.organisationSource == input.organisation {
            root["organisation"] = org
        } else {
            var org: [String: Any] = [:]
            put(&org, "name", input.organisation.name)
            put(&org, "website", WebAddress.web(input.organisation.website))
            root["organisation"] = org
            cache?.organisation = org
            cache?.organisationSource = input.organisation
        }

        var member = person(input.member)
        put(&member, "membership_number", input.member.membershipNumber)
        put(&member, "role", input.member.role)
        put(&member, "section", input.member.section)
        put(&member, "joined_on", input.member.joinedOn.flatMap(LocalDay.init).map(PeopleTime.day))
        root["member"] = member

        if let w = input.workplace {
            var workplace: [String: Any] = [:]
            put(&workplace, "name", w.name)
            put(&workplace, "kind", w.kind)
            put(&workplace, "town", w.town)
            root["workplace"] = workplace
        }
        if let r = input.rep {
            var rep = person(r.member)
            put(&rep, "email", r.member.email)
            put(&rep, "role", r.rep.role)
            root["rep"] = rep
        }
        if let e = input.event {
            let key = RenderCache.EventKey(event: e, zone: input.timeZone.identifier)
            if let made = cache?.events[key] {
                root["event"] = made
            } else {
                let made = event(e, input.timeZone, input.organisation.timeZone)
                cache?.events[key] = made
                root["event"] = made
            }
            if let c = input.eventChange, c.previous != nil {
                root["change"] = change(c, input.timeZone, input.organisation.timeZone)
            }
        }
        if let b = input.ballot {
            root["ballot"] = ballot(b, time)
            if let lists = input.repLists { root["chase"] = chase(lists, time) }
        }
        if let d = input.digest {
            root["digest"] = digest(d, lists: input.repLists, time, zones: (input.timeZone, input.organisation.timeZone))
        }
        if let r = input.report { root["report"] = report(r) }
        var links: [String: Any] = [:]
        put(&links, "unsubscribe", input.links.unsubscribe)
        put(&links, "voted", input.links.voted)
        put(&links, "rsvp_yes", input.links.rsvpYes)
        put(&links, "rsvp_no", input.links.rsvpNo)
        root["links"] = links
        return root
    }

    /// `report`: the summary as label/value pairs and the top targets (names made one line).
    static func report(_ r: ReportDigest) -> [String: Any] {
        var out: [String: Any] = [
            "date": PeopleTime.day(LocalDay(r.date) ?? LocalDay(year: 1970, month: 1, day: 1)),
            "summary": r.summary.map { ["label": $0.label, "value": oneLine($0.value) ?? ""] },
            "targets": r.targets.map { t in
                ["name": oneLine(t.name) ?? "", "active": t.active, "staff": t.staff, "density": t.density, "reps": t.reps, "why": t.why] as [String: Any]
            },
        ]
        if r.targetsMore > 0 { out["targets_more"] = r.targetsMore }
        return out
    }

    /// Sets `key` only for a value with some text in it (as ``ContextText``, which renders as the string).
    static func put(_ dict: inout [String: Any], _ key: String, _ value: String?) {
        // Printable ASCII other than space is never white space: most values answer on their first byte.
        guard let value, value.utf8.contains(where: { $0 > 0x20 && $0 < 0x7F })
            || value.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return }
        dict[key] = ContextText(value)
    }

    /// A name or other one-line value from the data with control characters (CR, LF, tab, NUL ...)
    /// made spaces, so that a hostile value cannot start a new line in a message's text either.
    static func oneLine(_ value: String?) -> String? {
        guard let value else { return nil }
        func isControl(_ u: Unicode.Scalar) -> Bool {
            u.isASCII ? (u.value < 0x20 || u.value == 0x7F) : u.properties.generalCategory == .control
        }
        guard value.unicodeScalars.contains(where: isControl) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    static func person(_ m: Member) -> [String: Any] {
        var p: [String: Any] = [:]
        let first = oneLine(m.firstName) ?? "", last = oneLine(m.lastName)
        put(&p, "first_name", first)
        put(&p, "last_name", last)
        put(&p, "name", Member.fullName(first: first, last: last))
        return p
    }

    /// An event's fields, its times written by `VenueTime` (the venue's clock, the reader's beside it).
    static func event(_ e: Event, _ recipient: TimeZone, _ organisation: TimeZone) -> [String: Any] {
        let time = VenueTime(event: e, recipient: recipient, organisation: organisation)
        var d: [String: Any] = [:]
        put(&d, "title", e.title)
        put(&d, "kind", e.kind)
        put(&d, "starts", time.dateTime(e.startsAt))
        put(&d, "date", time.date(e.startsAt))
        put(&d, "time", time.time(e.startsAt))
        if let end = e.endsAt {
            // The end's time alone on the same day; its date and time when the event runs over days.
            let sameDay = time.localDay(end) == time.localDay(e.startsAt)
            put(&d, "ends", sameDay ? time.time(end) : time.dateTime(end))
        }
        put(&d, "location", e.location)
        put(&d, "url", WebAddress.web(e.url))  // a row another program wrote skipped import's check
        put(&d, "description", e.description)
        d["district_wide"] = e.workplaceID == nil
        d["online"] = e.online
        d["cancelled"] = e.status == .cancelled
        return d
    }

    /// What a notice says changed: `change.moved`, `.relocated`, `.cancelled`, `.revision`, and the
    /// details before (`previous_starts`, `previous_date`, `previous_time`, `previous_ends`,
    /// `previous_location`), written as the event's are.
    static func change(_ c: EventChange, _ recipient: TimeZone, _ organisation: TimeZone) -> [String: Any] {
        var d: [String: Any] = ["moved": c.moved, "relocated": c.relocated, "cancelled": c.isCancelled, "revision": c.revision]
        guard let p = c.previous else { return d }
        var before = c.event
        before.startsAt = p.startsAt ?? c.event.startsAt
        before.endsAt = p.endsAt
        before.location = p.location
        let old = event(before, recipient, organisation)
        for key in ["starts", "date", "time", "ends", "location"] {
            if let v = old[key] as? ContextText { d["previous_" + key] = v }
        }
        return d
    }

    static func ballot(_ f: BallotFigures, _ time: PeopleTime) -> [String: Any] {
        var d: [String: Any] = [:]
        put(&d, "title", f.ballot.title)
        put(&d, "opens", time.dateTime(f.ballot.opensAt))
        put(&d, "closes", time.dateTime(f.ballot.closesAt))
        put(&d, "closes_date", time.date(f.ballot.closesAt))
        put(&d, "closes_time", time.time(f.ballot.closesAt))
        put(&d, "url", WebAddress.web(f.ballot.url))
        let days = max(0, f.daysLeft)
        d["days_left"] = days
        d["days_left_text"] = ContextText(days == 1 ? "1 day" : "\(days) days")
        d["closes_today"] = f.daysLeft <= 0
        d["turnout_percent"] = f.turnoutPercent
        d["voted"] = f.voted
        d["eligible"] = f.eligible
        if let p = f.workplaceTurnoutPercent { d["workplace_turnout_percent"] = p }
        if let v = f.workplaceVoted, let e = f.workplaceEligible, e > 0 {
            d["workplace_voted"] = v
            d["workplace_eligible"] = e
        }
        if let t = f.thresholdPercent { d["threshold_percent"] = t }
        return d
    }
}

/// The parts of a render context that many messages share, kept by one thread while it renders a
/// batch: the organisation, and each event as written in each recipient time zone. Not for sharing
/// between threads.
public final class RenderCache {
    struct EventKey: Hashable {
        var event: Event
        var zone: String
    }

    var organisation: [String: Any]?
    var organisationSource: Organisation?
    var events: [EventKey: [String: Any]] = [:]

    public init() {}
}
