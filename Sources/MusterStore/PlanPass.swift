// One planning pass against the database: record audience entries, load, plan, record rule state.
import Foundation
import GRDB
import MusterCore

/// Plans `rules` at `now` from the district in `store`: what `tick` (horizon 0, `record: true`) and
/// `plan --days N` (a forecast, `record: false`) both call.
///
/// With `record: true` it first records who entered each `entered_audience` rule's audience
/// (`muster_audience_entries`, entered at `now`; on a rule's first planning ever they are the
/// baseline, never mailed), and afterwards marks every rule planned at `now` (`muster_rule_state`).
/// With `record: false` nothing is written: entrants are planned as if recorded.
public func planPass(
    store: Store, rules: [Rule], organisation: Organisation, now: Date, horizon: TimeInterval, record: Bool
) throws -> PlanResult {
    let zone = organisation.timeZone
    let today = LocalTime.day(of: now, in: zone).description
    if record {
        try store.recordAudienceEntries(rules: rules, now: now, today: today)
    }
    let loader = PlanningLoader(rules: rules, organisation: zone, now: now, horizon: horizon, entrantsRecorded: record)
    let data = try store.pool.read { db -> PlanningData in
        // A pass reads members and ballot places by the hundred thousand: a page cache of 16 MB
        // (SQLite's default is 2 MB) reads each page once instead of once per row.
        try db.execute(sql: "PRAGMA cache_size = -16384")
        return try loader.load(db)
    }
    let result = Planner.plan(rules: rules, data: data, now: now, horizon: horizon)
    if record {
        try store.recordPlanned(rules: rules, now: now)
    }
    return result
}

extension Store {
    /// Records members newly in each `entered_audience` rule's audience, entered at `now`; on the
    /// rule's first planning (no `muster_rule_state` row) as the baseline.
    func recordAudienceEntries(rules: [Rule], now: Date, today: String) throws {
        let entering = rules.filter { $0.kind == .sequence(anchor: .enteredAudience) }
        guard !entering.isEmpty else { return }
        try pool.write { db in
            for rule in entering {
                let planned = try Bool.fetchOne(db, sql: "SELECT 1 FROM muster_rule_state WHERE rule = ?", arguments: [rule.id]) ?? false
                var n = EntrantQuery(rule: rule, now: now, today: today)
                let select = "\(n.ruleArgument), m.id, \(n.query.bind(ISOTime.format(now))), \(n.query.bind(planned ? 0 : 1))"
                try db.execute(
                    sql: "INSERT INTO muster_audience_entries(rule, member_id, entered_at, baseline) " + n.query.sql(select: select),
                    arguments: n.query.statementArguments)
            }
        }
    }

    /// Marks `rules` planned at `now`.
    func recordPlanned(rules: [Rule], now: Date) throws {
        let at = ISOTime.format(now)
        try pool.write { db in
            for rule in rules {
                try db.execute(sql: """
                    INSERT INTO muster_rule_state(rule, first_planned_at, last_planned_at) VALUES (?, ?, ?)
                    ON CONFLICT(rule) DO UPDATE SET last_planned_at = max(last_planned_at, excluded.last_planned_at)
                    """, arguments: [rule.id, at, at])
            }
        }
    }
}
