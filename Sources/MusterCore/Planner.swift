// The planner: a pure function from rules, the district's data and a clock reading to due messages.
import Foundation

/// Decides which messages are due: `plan(rules:data:now:horizon:)` is pure (no database, no clock).
///
/// For each rule, every step of every recipient gets a due instant:
/// - a step with `at` is at that local time (the member's zone, else the organisation's) on the
///   local day the offset lands on: `{ after: 7d, at: "09:00" }` from `joined_on: 2026-03-25` is
///   2026-04-01 09:00 local, GMT or BST as the day has it;
/// - a step without `at` is the anchor plus (or minus) the offset exactly; a date anchor is the
///   local midnight of that date.
///
/// An occurrence is returned when `now - grace <= due <= now + horizon` (`tick` passes horizon 0;
/// `plan --days N` a forecast). One due before `now - grace` is never returned (no backlog blast);
/// it is counted in `skippedPastGrace` if due after the rule's last planning (30 days when never).
///
/// Per kind:
/// - sequence: `expires` is due + grace; `entered_audience` members in the baseline are never mailed.
/// - event: nothing due at or after the start; `expires` is the start.
/// - ballot: nothing due before opening (`after_open` is clamped to the opening) or at or after
///   closing; a `to: reps` step goes to the plan's reps, the other steps to its recipients;
///   `expires` is the close. `every: 4d` falls 4, 8, 12... days after the opening day, each
///   named by its local date (`2026-11-27`, or `2026-11-27T17:30` for hour-based intervals).
/// - recurring: each cron firing in the organisation's zone, named by its local time
///   (`2026-11-30T07:00`); `expires` is due + grace.
///
/// Nothing is returned once expired (`Expiry.hasPassed(expires, at: now)`); `Expiry` holds the
/// expiry of each kind, which the outbox stores and compares against.
public enum Planner {
    public static func plan(rules: [Rule], data: PlanningData, now: Date, horizon: TimeInterval) -> PlanResult {
        // Two passes, the first only counting, so the result is allocated once: at half a million
        // members a growing array would briefly hold two copies.
        let clock = LocalClock(zones: data.zones)
        var total = 0
        for counting in [true, false] {
            var pass = PlanPass(clock: clock, now: now, counting: counting)
            if !counting { pass.result.occurrences.reserveCapacity(total) }
            for rule in rules {
                guard let input = data.inputs[rule.id] else { continue }
                let window = PlanWindow(rule: rule, now: now, horizon: horizon, lastPlanned: data.lastPlanned[rule.id])
                pass.plan(rule, input, window)
            }
            if counting { total = pass.count } else { pass.result.zones = data.zones; return pass.result }
        }
        return PlanResult()
    }
}

/// One due instant for one step, judged against the window once and shared by every member alike.
struct Candidate {
    var step: Int
    var due: Date
    var expires: Date
    var occurrence: String
}

/// The work of one `Planner.plan` call.
struct PlanPass {
    let clock: LocalClock
    let now: Date
    /// Only count what would be emitted.
    let counting: Bool
    var count = 0
    var result = PlanResult()
    private var templates: [String] = []
    /// Per step: whether it names its local time (`at`).
    private var atLocalTime: [Bool] = []
    private var priorities: [Priority] = []
    private var calendar = false

    init(clock: LocalClock, now: Date, counting: Bool) {
        self.clock = clock; self.now = now; self.counting = counting
    }

    /// The candidates a window sends, and how many it skips as past grace.
    struct Judged {
        var send: [Candidate]
        var skipped: Int
    }

    func judge(_ candidates: [Candidate], _ window: PlanWindow) -> Judged {
        var judged = Judged(send: [], skipped: 0)
        for c in candidates {
            if c.due > window.send.upperBound { continue }
            if c.due < window.send.lowerBound {
                if c.due > window.countFrom { judged.skipped += 1 }
                continue
            }
            if Expiry.hasPassed(c.expires, at: now) { continue }
            judged.send.append(c)
        }
        return judged
    }

    mutating func plan(_ rule: Rule, _ input: RuleInput, _ window: PlanWindow) {
        var skipped = 0
        templates = rule.templates
        // A broadcast's time is the organiser's choice for everyone, and quiet hours still apply to it.
        atLocalTime = rule.steps.map { $0.at != nil && rule.kind != .broadcast }
        priorities = rule.stepPriorities
        calendar = rule.calendar
        switch (rule.kind, input) {
        case (.sequence, let .sequence(members)):
            var cache: [DayKey: Judged] = [:]
            for m in members {
                let judged: Judged
                switch m.anchor {
                case let .day(day):
                    let key = DayKey(zone: m.zone, day: Int32(truncatingIfNeeded: day.epochDay))
                    if let j = cache[key] {
                        judged = j
                    } else {
                        judged = judge(sequence(rule, .day(day.epochDay), zone: m.zone), window)
                        cache[key] = judged
                    }
                case let .entered(at, baseline):
                    if baseline { continue }
                    judged = judge(sequence(rule, .instant(at), zone: m.zone), window)
                }
                skipped += judged.skipped
                emit(judged.send, rule: rule, member: m.id, zone: m.zone)
            }
        case (.event, let .events(plans)):
            for plan in plans {
                var perZone = [Judged?](repeating: nil, count: clock.zones.zones.count)
                for m in plan.recipients {
                    let z = Int(m.zone)
                    if perZone[z] == nil { perZone[z] = judge(event(rule, plan.event, zone: m.zone), window) }
                    skipped += perZone[z]!.skipped
                    emit(perZone[z]!.send, rule: rule, member: m.id, zone: m.zone, event: plan.event.id)
                }
            }
        case (.ballot, let .ballots(plans)):
            // Members get the steps `to: members`, reps the steps `to: reps` (each rep once a step).
            for plan in plans {
                for (to, recipients) in [(StepRecipients.members, plan.recipients), (.reps, plan.reps)] where !recipients.isEmpty {
                    var perZone = [Judged?](repeating: nil, count: clock.zones.zones.count)
                    for m in recipients {
                        let z = Int(m.zone)
                        if perZone[z] == nil { perZone[z] = judge(ballot(rule, plan.ballot, zone: m.zone, to: to), window) }
                        skipped += perZone[z]!.skipped
                        emit(perZone[z]!.send, rule: rule, member: m.id, zone: m.zone, ballot: plan.ballot.id)
                    }
                }
            }
        case (.recurring, let .recurring(members)):
            let judged = judge(recurring(rule, window), window)
            skipped += judged.skipped * members.count
            for m in members { emit(judged.send, rule: rule, member: m.id, zone: m.zone) }
        case (.broadcast, let .recurring(members)):
            var perZone = [Judged?](repeating: nil, count: clock.zones.zones.count)
            for m in members {
                let z = Int(m.zone)
                if perZone[z] == nil { perZone[z] = judge(broadcast(rule, zone: m.zone), window) }
                skipped += perZone[z]!.skipped
                emit(perZone[z]!.send, rule: rule, member: m.id, zone: m.zone)
            }
        default:
            break  // an input of the wrong kind plans nothing
        }
        if skipped > 0 { result.skippedPastGrace[rule.id, default: 0] += skipped }
    }

    private mutating func emit(_ candidates: [Candidate], rule: Rule, member: Int64, zone: Int32, event: Int64? = nil, ballot: Int64? = nil) {
        if counting {
            count += candidates.count
            return
        }
        for c in candidates {
            var o = Occurrence(
                rule: rule.id, step: c.step, template: templates[c.step - 1], topic: rule.topic, memberID: member,
                eventID: event, ballotID: ballot, occurrence: c.occurrence, due: c.due, expires: c.expires,
                calendar: calendar, atLocalTime: atLocalTime[c.step - 1])
            o.priority = priorities[c.step - 1]
            o.zone = zone
            result.occurrences.append(o)
        }
    }

    // MARK: Due instants per kind, before the window is applied

    private func sequence(_ rule: Rule, _ anchor: LocalClock.Anchor, zone: Int32) -> [Candidate] {
        rule.steps.enumerated().compactMap { i, step in
            guard case let .after(o) = step.timing else { return nil }
            let due = clock.due(from: anchor, 1, o, at: step.at, zone: zone)
            return Candidate(step: i + 1, due: due, expires: Expiry.instant(rule: rule, due: due, eventStart: nil, ballotClose: nil),
                             occurrence: "")
        }
    }

    private func event(_ rule: Rule, _ event: Event, zone: Int32) -> [Candidate] {
        rule.steps.enumerated().compactMap { i, step in
            guard case let .before(o) = step.timing else { return nil }
            let due = clock.due(from: .instant(event.startsAt), -1, o, at: step.at, zone: zone)
            guard due < event.startsAt else { return nil }
            return Candidate(step: i + 1, due: due, expires: Expiry.instant(rule: rule, due: due, eventStart: event.startsAt, ballotClose: nil),
                             occurrence: "")
        }
    }

    private func ballot(_ rule: Rule, _ ballot: Ballot, zone: Int32, to: StepRecipients) -> [Candidate] {
        var out: [Candidate] = []
        let opens = ballot.opensAt, closes = ballot.closesAt
        let expires = Expiry.instant(rule: rule, due: opens, eventStart: nil, ballotClose: closes)
        for (i, step) in rule.steps.enumerated() where step.to == to {
            switch step.timing {
            case let .afterOpen(o):
                let due = max(opens, clock.due(from: .instant(opens), 1, o, at: step.at, zone: zone))
                if due < closes { out.append(Candidate(step: i + 1, due: due, expires: expires, occurrence: "")) }
            case let .beforeClose(o):
                let due = clock.due(from: .instant(closes), -1, o, at: step.at, zone: zone)
                if due >= opens, due < closes {
                    out.append(Candidate(step: i + 1, due: due, expires: expires, occurrence: ""))
                }
            case let .every(o):
                var n = 1
                while true {
                    let multiple = Offset(o.amount * n, o.unit)
                    let due = clock.due(from: .instant(opens), 1, multiple, at: step.at, zone: zone)
                    if due >= closes || n > 10_000 { break }
                    let zoneValue = clock.zones[zone]
                    let name = o.wholeDays != nil
                        ? LocalTime.day(of: due, in: zoneValue).description
                        : LocalTime.label(of: due, in: zoneValue)
                    if due >= opens { out.append(Candidate(step: i + 1, due: due, expires: expires, occurrence: name)) }
                    n += 1
                }
            default:
                break
            }
        }
        return out
    }

    private func broadcast(_ rule: Rule, zone: Int32) -> [Candidate] {
        guard case let .once(day)? = rule.steps.first?.timing, let at = rule.steps.first?.at else { return [] }
        let due = LocalTime.instant(day, at, in: clock.zones[zone])
        return [Candidate(step: 1, due: due, expires: Expiry.afterGrace(rule, due: due), occurrence: "")]
    }

    private func recurring(_ rule: Rule, _ window: PlanWindow) -> [Candidate] {
        guard case let .cron(cron)? = rule.steps.first?.timing else { return [] }
        return cron.fires(in: window.searched, zone: clock.zones.organisation).map { fire in
            Candidate(step: 1, due: fire.instant, expires: Expiry.afterGrace(rule, due: fire.instant),
                      occurrence: fire.label)
        }
    }
}

struct DayKey: Hashable {
    var zone: Int32
    var day: Int32
}
