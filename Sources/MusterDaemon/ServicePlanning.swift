// The daemon's planning: a whole-district pass that also finds the next instant time alone makes
// something due, a pass over only the members that changed, and the rule deciding which to run.
import Foundation
import MusterCore
import MusterStore

/// What one daemon planning pass did.
public struct PassReport: Sendable {
    public var summary = TickSummary()
    /// The earliest due instant after `now`, within the lookahead, of the rules planned; nil when none.
    public var nextTimeDue: Date?
    public var seconds: Double = 0
}

extension Engine {
    /// Plans `rules` (every rule when nil) at `now`, enqueues what is due, and returns when, within
    /// `lookahead`, the next occurrence of those rules falls due by time alone.
    ///
    /// One `planPass` with `horizon: lookahead` does both: occurrences due at or before `now` are
    /// exactly those a `tick` at `now` plans (the planner's window ends at `now + horizon`, the
    /// rest of its judgement does not depend on the horizon); the later ones give the next instant.
    public func planAhead(now: Date, rules: [Rule]? = nil, lookahead: TimeInterval) throws -> PassReport {
        let start = DispatchTime.now().uptimeNanoseconds
        var report = PassReport()
        let result = try planPass(
            store: district.store, rules: rules ?? district.rules, organisation: district.config.organisation,
            now: now, horizon: lookahead, record: true)
        var due: [Occurrence] = []
        for o in result.occurrences {
            if o.due <= now {
                due.append(o)
            } else if report.nextTimeDue.map({ o.due < $0 }) ?? true {
                report.nextTimeDue = o.due
            }
        }
        report.summary.due = due.count
        report.summary.skippedPastGrace = result.skippedPastGrace
        try enqueue(due, now: now, into: &report.summary)
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return report
    }

    /// Plans only `members` (the district's rules narrowed to them) at `now`: what a full pass
    /// would plan for them, at the cost of a few indexed lookups.
    ///
    /// Each rule's audience gets `AND m.id IN (...)`, so every query of the planner (date anchors,
    /// audience entries, event invitations, ballot places, recurring audiences) reads only those
    /// members. Only rules planned before may be narrowed: a rule's first pass records its
    /// `entered_audience` baseline, which must cover everyone; the daemon plans everything first.
    public func planMembers(_ members: [Int64], now: Date, lookahead: TimeInterval) throws -> PassReport {
        guard !members.isEmpty else { return PassReport() }
        return try planAhead(now: now, rules: Self.narrow(district.rules, to: members), lookahead: lookahead)
    }

    /// `rules` with each audience narrowed to `members`.
    public static func narrow(_ rules: [Rule], to members: [Int64]) -> [Rule] {
        let only = "m.id IN (\(members.map(String.init).joined(separator: ",")))"
        return rules.map { rule in
            var r = rule
            r.audience.condition = r.audience.condition.map { "(\($0)) AND \(only)" } ?? only
            return r
        }
    }
}

/// Which planning the daemon's next turn needs.
public enum PlanAction: Sendable, Equatable {
    /// Nothing: no other program changed the district, the rules are as planned, and no occurrence
    /// falls due by time before `nextPlanAt`. Costs one `PRAGMA data_version`.
    case none
    /// Only these members changed.
    case members([Int64])
    /// Plan every rule for every member.
    case everything(reason: String)
}

/// When the daemon plans, as a value: the state of its planning and a pure decision.
///
/// After each whole-district pass at `t`, `nextPlanAt` is the earliest due instant after `t` found
/// within the lookahead (a 09:00 step, a cron firing, an event reminder), or `t + lookahead` when
/// there is none (so audiences that change with the date, `where: ... :today`, are re-read at
/// least that often). A members-only pass can bring it earlier, never later. Until then, and
/// while no other program writes to the district and no reload happens, a turn plans nothing.
///
///     var schedule = PlanSchedule(lookahead: 3600)
///     switch schedule.decide(now: now, changes: watcher.poll()) { ... }
///     schedule.planned(everything: true, now: now, nextTimeDue: report.nextTimeDue)
public struct PlanSchedule: Sendable, Equatable {
    public var lookahead: TimeInterval
    /// nil until the first whole-district pass.
    public private(set) var nextPlanAt: Date?
    /// Set by a reload: the rules changed, so everything is planned again.
    public var rulesChanged = false

    public init(lookahead: TimeInterval) {
        self.lookahead = lookahead
    }

    public func decide(now: Date, changes: DistrictChanges?) -> PlanAction {
        guard let next = nextPlanAt else { return .everything(reason: "start") }
        if rulesChanged { return .everything(reason: "reload") }
        if let changes, changes.everything { return .everything(reason: "changes") }
        if now >= next { return .everything(reason: "time") }
        if let changes, !changes.members.isEmpty { return .members(changes.members) }
        return .none
    }

    /// Records a pass at `now`: a whole-district one resets `nextPlanAt`, a members-only one may
    /// bring it earlier.
    public mutating func planned(everything: Bool, now: Date, nextTimeDue: Date?) {
        let bound = now.addingTimeInterval(lookahead)
        let found = min(nextTimeDue ?? bound, bound)
        if everything {
            nextPlanAt = found
            rulesChanged = false
        } else if let next = nextPlanAt {
            nextPlanAt = min(next, found)
        }
    }
}
