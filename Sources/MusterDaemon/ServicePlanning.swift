// When the daemon plans: nothing, the members that changed, or the whole district, as a pure decision.
import Foundation
import MusterCore
import MusterStore

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
