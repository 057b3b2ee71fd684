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
///
/// Each rule fails alone: a `where:` that `ConditionPolicy` refuses, or whose queries a limit of
/// `store.queryLimits` stops (too slow, a value too large, out of memory) or SQLite refuses while
/// running, puts the rule in `failedRules` with the reason; it is not planned, not marked planned
/// (its next pass starts from where it last succeeded), and the other rules plan as usual. Errors
/// of the database itself (busy, I/O, corrupt) still fail the pass, and so does a graceful shutdown
/// (`QueryCancelled`), which stops a running query within a moment.
public func planPass(
    store: Store, rules: [Rule], organisation: Organisation, now: Date, horizon: TimeInterval, record: Bool
) throws -> PlanResult {
    let zone = organisation.timeZone
    let today = LocalTime.day(of: now, in: zone).description
    var failed = store.refusedConditions(rules)
    func isolating(_ rule: Rule, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e where RuleFailure.isRules(e) {
            failed[rule.id] = RuleFailure.reason(e)
        }
    }
    if record {
        for rule in rules where failed[rule.id] == nil && rule.kind == .sequence(anchor: .enteredAudience) {
            try isolating(rule) { try store.recordAudienceEntries(rule: rule, now: now, today: today) }
        }
    }
    let loader = PlanningLoader(rules: rules, organisation: zone, now: now, horizon: horizon, entrantsRecorded: record)
    let data = try store.pool.read { db -> PlanningData in
        // A pass reads members and ballot places by the hundred thousand: a page cache of 16 MB
        // (SQLite's default is 2 MB) reads each page once instead of once per row.
        try db.execute(sql: "PRAGMA cache_size = -16384")
        var data = try loader.begin(db)
        for rule in rules where failed[rule.id] == nil {
            try isolating(rule) { try store.queryLimits.run(db) { try loader.load(rule, db, into: &data) } }
        }
        return data
    }
    let planned = rules.filter { failed[$0.id] == nil }
    var result = Planner.plan(rules: planned, data: data, now: now, horizon: horizon)
    result.failedRules = failed
    if record {
        try store.recordPlanned(rules: planned, now: now)
    }
    return result
}

/// Which errors of a rule's queries are the rule's own (its `where:`), and how they read.
enum RuleFailure {
    /// A limit, or SQLite refusing the statement or a function's arguments: the rule's doing.
    /// Busy, locked, I/O, full or corrupt databases are everyone's problem, and so is a shutdown.
    static func isRules(_ error: any Error) -> Bool {
        if error is RuleQueryError { return true }
        guard let e = error as? DatabaseError else { return false }
        switch e.resultCode.primaryResultCode {
        case .SQLITE_ERROR, .SQLITE_AUTH, .SQLITE_TOOBIG, .SQLITE_NOMEM, .SQLITE_MISMATCH, .SQLITE_RANGE,
             .SQLITE_CONSTRAINT, .SQLITE_INTERRUPT:
            return true
        default:
            return false
        }
    }

    /// The reason as a log shows it: no SQL arguments (they may hold personal data), one line.
    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError {
            return "its query failed: \(e.message ?? "SQLite error \(e.resultCode.rawValue)")"
        }
        return String(describing: error)
    }
}

extension Store {
    /// Rules whose `where:` `ConditionPolicy` refuses, with the reason: checked again at each pass,
    /// since a rule may reach the planner without the loader's check (a narrowed audience, a test).
    func refusedConditions(_ rules: [Rule]) -> [String: String] {
        let conditioned = rules.filter { $0.audience.condition != nil }
        guard !conditioned.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for (rule, problem) in zip(conditioned, audienceConditionProblems(conditioned.map { $0.audience.condition! })) {
            if let problem { out[rule.id] = "audience: 'where' \(problem)" }
        }
        return out
    }

    /// Records members newly in `rule`'s audience (an `entered_audience` rule), entered at `now`; on
    /// the rule's first planning (no `muster_rule_state` row) as the baseline. One transaction per
    /// rule, within `queryLimits`: a rule stopped by a limit rolls back only its own entries.
    func recordAudienceEntries(rule: Rule, now: Date, today: String) throws {
        try pool.write { db in
            try queryLimits.run(db) {
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
