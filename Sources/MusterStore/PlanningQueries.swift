// Loading the planner's input from the database: only the rows a window can need, a few bytes a member.
import Foundation
import GRDB
import MusterCore

/// Reads what `Planner.plan` needs for some rules at `now`, pushing audience filters into SQL.
///
/// Per member only the id and a zone index are kept (and the anchor for sequences); names and
/// addresses are fetched later, per message, by rendering. Sequences load only members whose
/// anchor can produce a due time in the window, events only those starting soon enough, ballots
/// only those open in it, recurring rules only when their cron fires in it.
struct PlanningLoader {
    let rules: [Rule]
    let organisation: TimeZone
    let now: Date
    let horizon: TimeInterval
    /// For `entered_audience` rules: new entrants are in memory only (a forecast), or already recorded.
    let entrantsRecorded: Bool

    var today: String { LocalTime.day(of: now, in: organisation).description }

    func load(_ db: Database) throws -> PlanningData {
        var data = try begin(db)
        for rule in rules { try load(rule, db, into: &data) }
        return data
    }

    /// What every rule's input is added to: the zone table and the rules' planning states.
    func begin(_ db: Database) throws -> PlanningData {
        var data = PlanningData(zones: ZoneTable(organisation: organisation))
        data.lastPlanned = try Self.ruleStates(db).mapValues(\.last)
        return data
    }

    /// Adds `rule`'s input to `data`; when it throws, `data` is as it was.
    func load(_ rule: Rule, _ db: Database, into data: inout PlanningData) throws {
        let window = PlanWindow(rule: rule, now: now, horizon: horizon, lastPlanned: data.lastPlanned[rule.id])
        var zones = data.zones
        switch rule.kind {
        case let .sequence(anchor: .column(column)):
            data.inputs[rule.id] = .sequence(try datedMembers(db, rule, column, window, &zones))
        case .sequence(anchor: .enteredAudience):
            let first = data.lastPlanned[rule.id] == nil
            data.inputs[rule.id] = .sequence(try enteredMembers(db, rule, window, firstPlanning: first, &zones))
        case let .event(selection, recipients, _):
            data.inputs[rule.id] = .events(try events(db, rule, selection, recipients, window, &zones))
        case let .ballot(recipients):
            data.inputs[rule.id] = .ballots(try ballots(db, rule, recipients, window, &zones))
        case .recurring:
            guard case let .cron(cron)? = rule.steps.first?.timing,
                  !cron.fires(in: window.searched, zone: organisation).isEmpty else { return }
            let q = MemberQuery(rule.audience, now: now, today: today)
            data.inputs[rule.id] = .recurring(try members(db, q.sql(select: "m.id, m.timezone"), q, &zones))
        case .broadcast:
            // Its day, read anywhere on Earth (14 hours either side), must meet the window.
            guard case let .once(day)? = rule.steps.first?.timing, let at = rule.steps.first?.at else { return }
            let utc = LocalTime.instant(day, at, in: .utc)
            guard utc.addingTimeInterval(14 * 3600) >= window.searched.lowerBound,
                  utc.addingTimeInterval(-14 * 3600) <= window.searched.upperBound else { return }
            let q = MemberQuery(rule.audience, now: now, today: today)
            data.inputs[rule.id] = .recurring(try members(db, q.sql(select: "m.id, m.timezone"), q, &zones))
        }
        data.zones = zones
    }

    // MARK: Per kind

    private func datedMembers(_ db: Database, _ rule: Rule, _ column: String, _ window: PlanWindow,
                              _ zones: inout ZoneTable) throws -> [AnchoredMember] {
        guard SequenceAnchor.dateColumns.contains(column) else { return [] }
        let range = window.anchorRange(for: rule)
        let utc = TimeZone.utc
        var q = MemberQuery(rule.audience, now: now, today: today)
        let from = q.bind(LocalTime.day(of: range.lowerBound, in: utc).description)
        let to = q.bind(LocalTime.day(of: range.upperBound, in: utc).description)
        q.require("m.\(column) BETWEEN \(from) AND \(to)")
        var out: [AnchoredMember] = []
        let rows = try Row.fetchCursor(db, sql: q.sql(select: "m.id, m.timezone, m.\(column)"), arguments: q.statementArguments)
        while let row = try rows.next() {
            guard let text: String = row[2], let day = LocalDay(String(text.prefix(10))) else { continue }
            out.append(AnchoredMember(id: row[0], zone: zones.index(of: row[1]), anchor: .day(day)))
        }
        return out
    }

    private func enteredMembers(_ db: Database, _ rule: Rule, _ window: PlanWindow, firstPlanning: Bool,
                                _ zones: inout ZoneTable) throws -> [AnchoredMember] {
        let range = window.anchorRange(for: rule)
        var q = MemberQuery(rule.audience, now: now, today: today)
        let ruleID = q.bind(rule.id)
        let from = q.bind(ISOTime.format(range.lowerBound))
        let to = q.bind(ISOTime.format(range.upperBound))
        q.require("e.rule = \(ruleID) AND e.baseline = 0 AND e.entered_at BETWEEN \(from) AND \(to)")
        var out: [AnchoredMember] = []
        let sql = q.sql(select: "m.id, m.timezone, e.entered_at",
                        from: "muster_audience_entries e JOIN members m ON m.id = e.member_id")
        let rows = try Row.fetchCursor(db, sql: sql, arguments: q.statementArguments)
        while let row = try rows.next() {
            guard let text: String = row[2], let at = ISOTime.parseInstant(text) else { continue }
            out.append(AnchoredMember(id: row[0], zone: zones.index(of: row[1]), anchor: .entered(at, baseline: false)))
        }
        if !entrantsRecorded && !firstPlanning {
            // A forecast: those who would enter now, as if recorded (on a first planning they are the baseline).
            let n = EntrantQuery(rule: rule, now: now, today: today)
            for m in try members(db, n.query.sql(select: "m.id, m.timezone"), n.query, &zones) {
                out.append(AnchoredMember(id: m.id, zone: m.zone, anchor: .entered(now, baseline: false)))
            }
        }
        return out
    }

    private func events(_ db: Database, _ rule: Rule, _ selection: EventSelection, _ recipients: EventRecipients,
                        _ window: PlanWindow, _ zones: inout ZoneTable) throws -> [EventPlan] {
        let starts = window.eventStartRange(for: rule)
        var out: [EventPlan] = []
        // A cancelled event gets no more reminders (its notice is planned from its revision).
        for event in try Self.events(db, kinds: selection.kinds) where starts.contains(event.startsAt) && event.status == .scheduled {
            guard try Self.workplace(db, of: event, matches: selection.workplaces) else { continue }
            var q = MemberQuery(rule.audience, now: now, today: today)
            let id = q.bind(event.id)
            let invited = event.workplaceID.map { "m.workplace_id = \(q.bind($0))" }
            let registered = "g.event_id = \(id) AND g.member_id = m.id AND g.status = 'registered'"
            switch recipients {
            case .invited:
                if let invited { q.require(invited) }
            case .registered:
                q.require("EXISTS (SELECT 1 FROM registrations g WHERE \(registered))")
            case .unregistered:
                if let invited { q.require(invited) }
                q.require("NOT EXISTS (SELECT 1 FROM registrations g WHERE \(registered))")
            }
            out.append(EventPlan(event: event, recipients: try members(db, q.sql(select: "m.id, m.timezone"), q, &zones)))
        }
        return out
    }

    private func ballots(_ db: Database, _ rule: Rule, _ recipients: BallotRecipients, _ window: PlanWindow,
                         _ zones: inout ZoneTable) throws -> [BallotPlan] {
        var out: [BallotPlan] = []
        for ballot in try Self.ballots(db) where window.ballotMatters(opens: ballot.opensAt, closes: ballot.closesAt) {
            var q = MemberQuery(rule.audience, now: now, today: today)
            q.require("b.ballot_id = \(q.bind(ballot.id))")
            if recipients == .notVoted { q.require("NOT \(BallotVote.hasVoted("b.voted_at"))") }
            let sql = q.sql(select: "m.id, m.timezone", from: "ballot_members b JOIN members m ON m.id = b.member_id")
            var plan = BallotPlan(ballot: ballot, recipients: try members(db, sql, q, &zones))
            if rule.steps.contains(where: { $0.to == .reps }) {
                // The rule's audience applies to the rep; the workplace needs an eligible member with no vote.
                // Not correlated: SQLite builds the set of such workplaces once (one pass over the
                // ballot's members), where an EXISTS per rep scanned the ballot again for each rep.
                var r = MemberQuery(rule.audience, now: now, today: today)
                r.require("""
                    rp.workplace_id IN (SELECT x.workplace_id FROM ballot_members b JOIN members x ON x.id = b.member_id
                            WHERE b.ballot_id = \(r.bind(ballot.id)) AND NOT \(BallotVote.hasVoted("b.voted_at")))
                    """)
                let repSQL = r.sql(select: "DISTINCT m.id, m.timezone", from: "reps rp JOIN members m ON m.id = rp.member_id")
                plan.reps = try members(db, repSQL, r, &zones)
            }
            out.append(plan)
        }
        return out
    }

    // MARK: Rows

    private func members(_ db: Database, _ sql: String, _ q: MemberQuery, _ zones: inout ZoneTable) throws -> [PlanningMember] {
        var out: [PlanningMember] = []
        let statement = try db.cachedStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: q.statementArguments)
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let zone: String? = row[1]
            out.append(PlanningMember(id: id, zone: zone == nil ? 0 : zones.index(of: zone)))
        }
        return out
    }

    static func ruleStates(_ db: Database) throws -> [String: (first: Date, last: Date)] {
        var out: [String: (first: Date, last: Date)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT rule, first_planned_at, last_planned_at FROM muster_rule_state") {
            guard let first = ISOTime.parseInstant(row[1]), let last = ISOTime.parseInstant(row[2]) else { continue }
            out[row[0]] = (first, last)
        }
        return out
    }

    static func events(_ db: Database, kinds: [String]) throws -> [Event] {
        guard !kinds.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(EventRows.columns) FROM events WHERE kind IN (\(marks)) ORDER BY starts_at, id
            """, arguments: StatementArguments(kinds))
        // An event whose start cannot be read plans nothing; one whose end cannot be read is planned,
        // and rendering fails its messages with the reason.
        return rows.compactMap { try? EventRows.decode($0, endOptional: true) }
    }

    /// `workplace:` in `events:` takes ids, names, or `district` for district-wide events.
    static func workplace(_ db: Database, of event: Event, matches filter: [String]?) throws -> Bool {
        guard let filter else { return true }
        guard let id = event.workplaceID else { return filter.contains("district") }
        if filter.contains(String(id)) { return true }
        let name = try String.fetchOne(db, sql: "SELECT name FROM workplaces WHERE id = ?", arguments: [id])
        return name.map(filter.contains) ?? false
    }

    static func ballots(_ db: Database) throws -> [Ballot] {
        // A ballot whose times cannot be read plans nothing.
        try Row.fetchAll(db, sql: "SELECT \(BallotRows.columns) FROM ballots ORDER BY id").compactMap { try? BallotRows.decode($0) }
    }
}

/// Members of an `entered_audience` rule's audience with no entry yet: those entering now.
struct EntrantQuery {
    var query: MemberQuery
    let ruleArgument: String

    init(rule: Rule, now: Date, today: String) {
        query = MemberQuery(rule.audience, now: now, today: today)
        ruleArgument = query.bind(rule.id)
        query.require("NOT EXISTS (SELECT 1 FROM muster_audience_entries e WHERE e.rule = \(ruleArgument) AND e.member_id = m.id)")
    }
}
