// The console's first page: what goes out today and in the next 7 days, what the member limits hold,
// the paused rules, the outbox, the latest failures.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

/// Today: the forecast by day and rule, what the member limits move or hold back (in the forecast and
/// so far), the paused rules with what waits, the outbox by state, the ten latest failures with the
/// relay's reply (addresses taken out). Shows counts and ids only: no member's name or address.
struct TodayPage: ConsolePage {
    let path = "/today"
    let title = "Today"
    static let days = 7

    func body(_ r: ConsolePageRequest) async throws -> String {
        let district = r.district
        let people = PeopleTime(timeZone: district.config.organisation.timeZone)
        let planned = try r.forecast(days: Self.days, limits: district.config.mail.perMember != nil)
        let forecast = planned.forecast
        let paused = try PausedRules(district.store).list()
        let pausedIDs = Set(paused.map(\.rule))
        var html = ConsoleHTML.paragraph("As of \(people.dateTimeWithYear(r.now)). Counts are what the rules make due on each day, including what is already in the outbox"
            + (planned.at < r.now ? " (planned at \(people.time(planned.at)), and again within a minute, or at once when the district's data changes)." : "."))
        if !paused.isEmpty {
            let what = pausedIDs.contains(PausedRules.all) ? "All sending is paused"
                : "Paused: " + paused.map(\.rule).joined(separator: ", ")
            html += "<p class=\"warn\" role=\"status\">" + ConsoleHTML.escape(what + ". Nothing of it goes to the relay until it is resumed on ")
                + "<a href=\"/stop\">Stop</a>.</p>"
        }

        let rules = district.rules.map(\.id)
        let dayNames = forecast.days.enumerated().map { $0.offset == 0 ? "Today" : PeopleTime.day($0.element) }
        // A rule paused on its own is marked; all sending paused is said once, in the box above.
        var rows: [[String]] = rules.map { rule in
            [rule + (pausedIDs.contains(rule) ? " (paused)" : "")] + forecast.days.map { String(forecast.counts[$0]?[rule] ?? 0) }
        }
        rows.append(["All rules"] + forecast.days.map { String(forecast.counts[$0]?.values.reduce(0, +) ?? 0) })
        html += "<h2>Due to go out</h2>"
        html += ConsoleHTML.table(caption: "Messages due by rule, today and the next \(Self.days) days",
                                  headers: ["Rule"] + dayNames, rows: rows, numeric: Set(1...forecast.days.count))
        for (rule, reason) in forecast.failedRules.sorted(by: { $0.key < $1.key }) {
            html += "<p class=\"warn\">" + ConsoleHTML.escape("Rule \(rule) could not be planned: \(reason)") + "</p>"
        }
        let skipped = forecast.skippedPastGrace.values.reduce(0, +)
        if skipped > 0 {
            html += ConsoleHTML.paragraph("\(skipped) messages fell due longer ago than their rule's grace and will not be sent.")
        }

        html += try Self.heldByLimits(district, forecast)
        html += try Self.pausedRules(district, paused, people)

        let outbox = OutboxStore(district.store)
        var byState: [OutboxState: Int] = [:]
        for c in try outbox.countsByStateAndRule() { byState[c.state, default: 0] += c.count }
        html += "<h2>The outbox</h2>"
        html += ConsoleHTML.table(caption: "Messages in the outbox by state", headers: ["State", "Messages"],
                                  rows: OutboxState.allCases.map { [$0.rawValue, String(byState[$0] ?? 0)] }, numeric: [1])

        let failures = try outbox.recentFailures(limit: 10)
        html += "<h2>Latest failures</h2>"
        if failures.isEmpty {
            html += ConsoleHTML.paragraph("None.")
        } else {
            html += ConsoleHTML.table(
                caption: "The ten latest messages the relay refused or deferred (addresses removed)",
                headers: ["Outbox id", "Rule", "State", "Attempts", "When", "Relay's reply"],
                rows: failures.map { e in
                    [String(e.id), e.rule, e.state.rawValue, String(e.attempts), people.dateTimeWithYear(e.updatedAt),
                     DeliveryResult.redactAddresses(e.lastReply ?? e.reason ?? "")]
                }, numeric: [0, 3])
        }
        return html
    }

    /// "Held by member limits": per rule, what the limits move to a later day or hold back for good
    /// in the forecast's days, and what they did so far (the outbox's `member limit` entries).
    static func heldByLimits(_ district: District, _ forecast: DailyForecast) throws -> String {
        var html = "<h2>Held by member limits</h2>"
        guard let limit = district.config.mail.perMember else {
            return html + ConsoleHTML.paragraph("No member limit is set (mail.per_member in muster.yaml), so nothing is held back.")
        }
        let words = [limit.day.map { "\($0) a day" }, limit.week.map { "\($0) in 7 days" }].compactMap { $0 }.joined(separator: " and ")
        html += ConsoleHTML.paragraph("Each member hears at most \(words) (mail.per_member), across all rules. A message over the limit "
            + "waits for the member's next free day at the same time; if that is past its grace or expiry it is not sent. "
            + "The counts under \"Due to go out\" are when the rules make them due.")
        let sofar = try StatusQueries(district.store).memberLimitCounts()
        let touched = Set(forecast.movedByLimit.keys).union(forecast.heldByLimit.keys).union(sofar.keys)
        let order = district.rules.map(\.id).filter(touched.contains) + touched.subtracting(district.rules.map(\.id)).sorted()
        guard !order.isEmpty else {
            return html + ConsoleHTML.paragraph("Nothing is held: no member goes over the limit in the next \(days) days, and nobody has so far.")
        }
        return html + ConsoleHTML.table(
            caption: "Messages the member limits move or hold back, by rule",
            headers: ["Rule", "Moved to a later day (next \(days) days)", "Not sent (next \(days) days)", "Moved so far", "Not sent so far"],
            rows: order.map { rule in
                [rule, String(forecast.movedByLimit[rule] ?? 0), String(forecast.heldByLimit[rule] ?? 0),
                 String(sofar[rule]?.moved ?? 0), String(sofar[rule]?.skipped ?? 0)]
            }, numeric: [1, 2, 3, 4])
    }

    /// "Paused rules": each paused rule (or all sending) since when, and how many queued messages wait.
    static func pausedRules(_ district: District, _ paused: [(rule: String, since: Date)], _ people: PeopleTime) throws -> String {
        var html = "<h2>Paused rules</h2>"
        guard !paused.isEmpty else {
            return html + "<p>No rule is paused. <a href=\"/stop\">Stop</a> pauses a rule, or all sending, at once.</p>"
        }
        let waiting = try PausedRules(district.store).waiting()
        html += ConsoleHTML.table(
            caption: "Rules paused, and the queued messages that wait for them to be resumed",
            headers: ["Rule", "Paused since", "Queued, waiting"],
            rows: paused.map { p in
                let all = p.rule == PausedRules.all
                return [all ? "All sending" : p.rule, people.dateTimeWithYear(p.since),
                        String(all ? waiting.values.reduce(0, +) : waiting[p.rule] ?? 0)]
            }, numeric: [2])
        return html + "<p><a href=\"/stop\">Stop</a> resumes them.</p>"
    }
}
