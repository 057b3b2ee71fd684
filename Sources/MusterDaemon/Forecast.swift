// muster plan: what will go out in the next days, in due order, with subjects, totals and skips.
import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTemplates

/// One line of a forecast: an occurrence with the member's name and the rendered subject.
public struct ForecastLine: Sendable {
    public var occurrence: Occurrence
    public var memberName: String
    public var subject: String
    /// The member's own zone when it is not the organisation's (their `at` times are read in it).
    public var memberTimeZone: TimeZone? = nil
    /// What the member limits do with it: goes at its time, moved to a later day, or held back.
    public var limit: LimitDecision = .send
}

/// What `muster plan` prints: how many messages each rule sends in the window, and the first of
/// them in due order.
public struct Forecast: Sendable {
    public var now: Date
    public var days: Int
    /// Every message in the window.
    public var count: Int
    /// Messages per rule id.
    public var totals: [String: Int]
    /// The earliest messages, in due order, with subjects.
    public var lines: [ForecastLine]
    public var skippedPastGrace: [String: Int]
    /// Per rule: messages the member limits move to a later day, and those they hold back for good
    /// (`member limit`: the next free day is past their grace or expiry). Both are in `count`.
    public var movedByLimit: [String: Int] = [:]
    public var heldByLimit: [String: Int] = [:]
}

extension District {
    /// Plans the next `days` days from `now` without writing anything, and renders the subjects of
    /// the first `limit` messages (0: all).
    public func forecast(now: Date, days: Int, rule: String?, limit: Int) throws -> Forecast {
        let chosen = rule.map { r in rules.filter { $0.id == r } } ?? rules
        let result = try planPass(
            store: store, rules: chosen, organisation: config.organisation, now: now,
            horizon: TimeInterval(days) * 86_400, record: false)
        var totals: [String: Int] = [:]
        for o in result.occurrences { totals[o.rule, default: 0] += 1 }
        let decisions = try limitDecisions(result, now: now)
        let (moved, held) = Self.limitTally(result.occurrences, decisions)
        let shown = Self.earliestIndices(result.occurrences, limit: limit)
        let lines = try render(shown.map { result.occurrences[$0] }, now: now).enumerated().map { k, line in
            ForecastLine(
                occurrence: line.0,
                memberName: line.1.map(\.member.fullName) ?? "(member gone)",
                subject: line.2,
                memberTimeZone: line.1.map(\.timeZone).flatMap { $0.identifier == config.organisation.timeZone.identifier ? nil : $0 },
                limit: decisions[shown[k]])
        }
        var f = Forecast(
            now: now, days: days, count: result.occurrences.count, totals: totals, lines: lines,
            skippedPastGrace: result.skippedPastGrace)
        f.movedByLimit = moved
        f.heldByLimit = held
        return f
    }

    /// The member limits over a forecast's occurrences, one decision each: everything in the window
    /// competes as the passes would see it, against what the outbox already holds (one query for
    /// the whole district). An occurrence already in the outbox is not new: it goes (it is counted
    /// among the bookings).
    func limitDecisions(_ result: PlanResult, now: Date, members: [Int64]? = nil) throws -> [LimitDecision] {
        let all = result.occurrences
        guard let limit = config.mail.perMember, let zones = result.zones, !all.isEmpty else {
            return [LimitDecision](repeating: .send, count: all.count)
        }
        let booked = try OutboxStore(store).memberBookings(members: members, from: MemberLimits.countFrom(now), withKeys: true)
        let quiet = config.mail.quietHours
        var index: [Int] = []
        var candidates: [LimitCandidate] = []
        index.reserveCapacity(all.count); candidates.reserveCapacity(all.count)
        for (i, o) in all.enumerated() {
            if !booked.keys.isEmpty && booked.keys.contains(o.dedupeKey) { continue }
            index.append(i)
            candidates.append(LimitCandidate(
                member: o.memberID, zone: o.zone,
                sendAt: (o.atLocalTime || o.notice ? nil : quiet?.end(after: o.due, in: zones[o.zone])) ?? o.due,
                priority: o.priority, expires: o.expires))
        }
        let decided = MemberLimits.decide(candidates, booked: booked.instants, limit: limit, zones: zones, now: now)
        var out = [LimitDecision](repeating: .send, count: all.count)
        for (k, i) in index.enumerated() { out[i] = decided[k] }
        return out
    }

    /// Per rule, how many of `occurrences` the member limits move to a later day and hold back for
    /// good, by their `decisions` (one each, as `limitDecisions` gives them).
    static func limitTally(_ occurrences: [Occurrence], _ decisions: [LimitDecision]) -> (moved: [String: Int], held: [String: Int]) {
        var moved: [String: Int] = [:], held: [String: Int] = [:]
        for (o, d) in zip(occurrences, decisions) {
            switch d {
            case .send: break
            case .moved: moved[o.rule, default: 0] += 1
            case .skipped: held[o.rule, default: 0] += 1
            }
        }
        return (moved, held)
    }

    /// The `limit` earliest occurrences in due order (all when `limit` is 0), without sorting or
    /// copying the whole list: a forecast at 500,000 members holds hundreds of thousands.
    static func earliest(_ all: [Occurrence], limit: Int) -> [Occurrence] {
        earliestIndices(all, limit: limit).map { all[$0] }
    }

    /// The same, as indexes into `all`.
    static func earliestIndices(_ all: [Occurrence], limit: Int) -> [Int] {
        func before(_ i: Int, _ j: Int) -> Bool {
            let a = all[i], b = all[j]
            return (a.due, a.rule, a.step, a.memberID) < (b.due, b.rule, b.step, b.memberID)
        }
        if limit == 0 || limit >= all.count { return all.indices.sorted(by: before) }
        var kept: [Int] = []
        kept.reserveCapacity(limit + 1)
        for o in all.indices {
            if kept.count == limit, let last = kept.last, !before(o, last) { continue }
            var lo = 0, hi = kept.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if before(kept[mid], o) { lo = mid + 1 } else { hi = mid }
            }
            kept.insert(o, at: lo)
            if kept.count > limit { kept.removeLast() }
        }
        return kept
    }

    /// Renders `occurrences` in groups that share an event, ballot or digest; a failure is reported in
    /// place of the subject, never thrown, so that one bad row cannot hide the rest.
    func render(_ occurrences: [Occurrence], now: Date) throws -> [(Occurrence, RenderInput?, String)] {
        let inputs = try RenderInputs.load(for: occurrences, district: self, now: now)
        return occurrences.map { o in
            guard let input = inputs[o] else { return (o, nil, "(cannot render: the member is no longer in the database)") }
            do {
                return (o, input, try templates.render(template: o.template, input: input).subject)
            } catch {
                return (o, input, "(cannot render: \(error))")
            }
        }
    }
}
