// The console's first page: what goes out today and in the next 7 days, the outbox, the latest failures.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

/// Today: the forecast by day and rule, the outbox by state, the ten latest failures with the relay's
/// reply (addresses taken out). Shows counts and ids only: no member's name or address.
struct TodayPage: ConsolePage {
    let path = "/today"
    let title = "Today"
    static let days = 7

    func body(_ r: ConsolePageRequest) async throws -> String {
        let district = r.district
        let people = PeopleTime(timeZone: district.config.organisation.timeZone)
        let forecast = try district.dailyForecast(now: r.now, days: Self.days)
        var html = ConsoleHTML.paragraph("As of \(people.dateTimeWithYear(r.now)). Counts are what the rules make due on each day, including what is already in the outbox.")

        let rules = district.rules.map(\.id)
        let dayNames = forecast.days.enumerated().map { $0.offset == 0 ? "Today" : PeopleTime.day($0.element) }
        var rows: [[String]] = rules.map { rule in
            [rule] + forecast.days.map { String(forecast.counts[$0]?[rule] ?? 0) }
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
}
