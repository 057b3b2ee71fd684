// What the organiser's console shows of the district: the forecast by day and rule, a rule's sample message.
import Foundation
import MusterCore
import MusterStore
import MusterTemplates

/// Messages due per local day and rule, from the same planning pass as `muster plan` (nothing written).
public struct DailyForecast: Sendable {
    public var days: [LocalDay]
    /// counts[day][rule]
    public var counts: [LocalDay: [String: Int]]
    /// Per rule: the earliest due instant in the window.
    public var nextDue: [String: Date]
    /// Rules that failed alone, with the reason (a refused `where:`...).
    public var failedRules: [String: String]
    public var skippedPastGrace: [String: Int]
    /// Per rule: messages the member limits move to a later day, and those they hold back for good
    /// (`member limit`), as `muster plan` counts them; empty unless asked for (`limits: true`).
    public var movedByLimit: [String: Int] = [:]
    public var heldByLimit: [String: Int] = [:]
}

extension District {
    /// Today (from `now`) and the next `days` days in the organisation's zone, by rule; with
    /// `limits`, also what the member limits move or hold back (one more read of the outbox).
    public func dailyForecast(now: Date, days: Int, limits: Bool = false) throws -> DailyForecast {
        let zone = config.organisation.timeZone
        let today = LocalTime.day(of: now, in: zone)
        let end = LocalTime.midnight(today.adding(days: days + 1), in: zone)
        let result = try planPass(store: store, rules: rules, organisation: config.organisation, now: now,
                                  horizon: end.timeIntervalSince(now), record: false)
        var counts: [LocalDay: [String: Int]] = [:]
        var next: [String: Date] = [:]
        for o in result.occurrences {
            counts[LocalTime.day(of: max(o.due, now), in: zone), default: [:]][o.rule, default: 0] += 1
            if next[o.rule].map({ o.due < $0 }) ?? true { next[o.rule] = o.due }
        }
        var forecast = DailyForecast(days: (0...days).map { today.adding(days: $0) }, counts: counts, nextDue: next,
                                     failedRules: result.failedRules, skippedPastGrace: result.skippedPastGrace)
        if limits {
            (forecast.movedByLimit, forecast.heldByLimit) = Self.limitTally(result.occurrences, try limitDecisions(result, now: now))
        }
        return forecast
    }

    /// Step `step` of `rule` rendered for a fitting member (as `muster check` and `preview` choose one),
    /// with that member's id; nil when no member fits. A rendering error is thrown with its place.
    public func sampleMessage(rule: Rule, step: Int, now: Date) throws -> (memberID: Int64, content: MessageContent)? {
        guard let ids = try exampleIDs(for: rule, memberID: nil, now: now) else { return nil }
        let queries = RenderQueries(store: store, organisation: config.organisation)
        guard let input = try queries.input(memberID: ids.member, eventID: ids.event, ballotID: ids.ballot, digest: ids.digest, now: now)
        else { return nil }
        return (ids.member, try templates.render(template: rule.steps[step - 1].template, input: input))
    }
}
