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
        let shown = Self.earliest(result.occurrences, limit: limit)
        let lines = try render(shown, now: now).map { o, input, subject in
            ForecastLine(
                occurrence: o,
                memberName: input.map(\.member.fullName) ?? "(member gone)",
                subject: subject,
                memberTimeZone: input.map(\.timeZone).flatMap { $0.identifier == config.organisation.timeZone.identifier ? nil : $0 })
        }
        return Forecast(
            now: now, days: days, count: result.occurrences.count, totals: totals, lines: lines,
            skippedPastGrace: result.skippedPastGrace)
    }

    /// The `limit` earliest occurrences in due order (all when `limit` is 0), without sorting or
    /// copying the whole list: a forecast at 500,000 members holds hundreds of thousands.
    static func earliest(_ all: [Occurrence], limit: Int) -> [Occurrence] {
        func before(_ a: Occurrence, _ b: Occurrence) -> Bool {
            (a.due, a.rule, a.step, a.memberID) < (b.due, b.rule, b.step, b.memberID)
        }
        if limit == 0 || limit >= all.count { return all.sorted(by: before) }
        var kept: [Occurrence] = []
        kept.reserveCapacity(limit + 1)
        for o in all {
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
