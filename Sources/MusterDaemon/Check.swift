// muster check: every step of every rule rendered against real rows where they exist, samples where not.
import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTemplates

/// What `muster check` found: every problem, and how much was looked at.
public struct CheckReport: Sendable {
    public var errors: [InputError]
    public var rules: Int
    public var steps: Int
    /// Steps rendered against rows from the database rather than sample data.
    public var againstRealRows: Int
}

extension District {
    /// Checks each step's template as its rule would send it. Where the database has a fitting
    /// member (and event, ballot or rep), the template is rendered against those rows; otherwise
    /// against sample data.
    public func check(now: Date) -> CheckReport {
        var errors: [InputError] = []
        var steps = 0
        var real = 0
        let queries = RenderQueries(store: store, organisation: config.organisation)
        for rule in rules {
            let kind = rule.kind.contextKind
            let sample = (try? realInput(for: rule, queries: queries, now: now)) ?? nil
            for step in rule.steps {
                steps += 1
                if sample != nil { real += 1 }
                errors += templates.check(
                    template: step.template, kind: kind, referencedIn: rule.file, line: nil,
                    sample: sample ?? RenderInput.sample(for: kind, organisation: config.organisation))
            }
        }
        var seen = Set<String>()
        errors = errors.filter { seen.insert($0.description).inserted }
        return CheckReport(errors: errors, rules: rules.count, steps: steps, againstRealRows: real)
    }

    /// Rows from the database that fit `rule`, rendered as its messages would be; nil when there are none.
    func realInput(for rule: Rule, queries: RenderQueries, now: Date) throws -> RenderInput? {
        let at = ISOTime.format(now)
        let ids: (member: Int64, event: Int64?, ballot: Int64?, digest: Bool)? = try store.pool.read { db in
            switch rule.kind {
            case .sequence:
                let m = try Int64.fetchOne(db, sql: """
                    SELECT m.id FROM members m JOIN reps r ON r.workplace_id = m.workplace_id AND r.member_id <> m.id
                    WHERE m.status = 'active' ORDER BY m.id LIMIT 1
                    """) ?? Int64.fetchOne(db, sql: "SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT 1")
                return m.map { ($0, nil, nil, false) }
            case let .event(selection, _, _):
                let marks = selection.kinds.map { _ in "?" }.joined(separator: ",")
                var args = StatementArguments(selection.kinds)
                args += [at]
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT id, workplace_id FROM events WHERE kind IN (\(marks)) AND starts_at > ?
                    ORDER BY starts_at LIMIT 1
                    """, arguments: args) else { return nil }
                let eventID: Int64 = row["id"]
                let workplace: Int64? = row["workplace_id"]
                let m = try Int64.fetchOne(db, sql: """
                    SELECT id FROM members WHERE status = 'active' AND (? IS NULL OR workplace_id = ?) ORDER BY id LIMIT 1
                    """, arguments: [workplace, workplace])
                return m.map { ($0, eventID, nil, false) }
            case .ballot:
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT bm.ballot_id, bm.member_id FROM ballot_members bm JOIN ballots b ON b.id = bm.ballot_id
                    JOIN members m ON m.id = bm.member_id
                    WHERE b.closes_at > ? AND m.status = 'active' ORDER BY b.closes_at, bm.member_id LIMIT 1
                    """, arguments: [at]) else { return nil }
                return (row["member_id"], nil, row["ballot_id"], false)
            case .recurring:
                let m = try Int64.fetchOne(db, sql: """
                    SELECT r.member_id FROM reps r JOIN members m ON m.id = r.member_id
                    WHERE m.status = 'active' ORDER BY r.member_id LIMIT 1
                    """)
                return m.map { ($0, nil, nil, true) }
            }
        }
        guard let ids else { return nil }
        return try queries.input(memberID: ids.member, eventID: ids.event, ballotID: ids.ballot, digest: ids.digest, now: now)
    }
}
