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
        guard let ids = try exampleIDs(for: rule, memberID: nil, now: now) else { return nil }
        return try queries.input(memberID: ids.member, eventID: ids.event, ballotID: ids.ballot, digest: ids.digest, now: now)
    }

    /// A member (the one given, else a fitting one) and the event or ballot a message of `rule` would be
    /// about: the next event of the rule's kinds, the earliest-closing open ballot. Nil when there is none.
    public func exampleIDs(for rule: Rule, memberID: Int64?, now: Date) throws -> ExampleIDs? {
        let at = ISOTime.format(now)
        return try store.pool.read { db -> ExampleIDs? in
            switch rule.kind {
            case .sequence:
                let m = try memberID ?? Int64.fetchOne(db, sql: """
                    SELECT m.id FROM members m JOIN reps r ON r.workplace_id = m.workplace_id AND r.member_id <> m.id
                    WHERE m.status = 'active' ORDER BY m.id LIMIT 1
                    """) ?? Int64.fetchOne(db, sql: "SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT 1")
                return m.map { ExampleIDs(member: $0) }
            case let .event(selection, _, _):
                let marks = selection.kinds.map { _ in "?" }.joined(separator: ",")
                var args = StatementArguments(selection.kinds)
                args += [at, memberID, memberID]
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT id, workplace_id FROM events WHERE kind IN (\(marks)) AND starts_at > ?
                    ORDER BY (? IS NOT NULL AND workplace_id IS NOT NULL
                              AND workplace_id <> (SELECT workplace_id FROM members WHERE id = ?)), starts_at
                    LIMIT 1
                    """, arguments: args) else { return nil }
                let eventID: Int64 = row["id"]
                let workplace: Int64? = row["workplace_id"]
                let m = try memberID ?? Int64.fetchOne(db, sql: """
                    SELECT id FROM members WHERE status = 'active' AND (? IS NULL OR workplace_id = ?) ORDER BY id LIMIT 1
                    """, arguments: [workplace, workplace])
                return m.map { ExampleIDs(member: $0, event: eventID) }
            case .ballot:
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT bm.ballot_id, bm.member_id FROM ballot_members bm JOIN ballots b ON b.id = bm.ballot_id
                    JOIN members m ON m.id = bm.member_id
                    WHERE b.closes_at > ? AND m.status = 'active' AND (? IS NULL OR m.id = ?)
                    ORDER BY b.closes_at, bm.member_id LIMIT 1
                    """, arguments: [at, memberID, memberID])
                    ?? Row.fetchOne(db, sql: "SELECT id AS ballot_id, ? AS member_id FROM ballots WHERE closes_at > ? ORDER BY closes_at LIMIT 1",
                                    arguments: [memberID, at])
                else { return nil }
                guard let m: Int64 = row["member_id"] else { return nil }
                return ExampleIDs(member: m, ballot: row["ballot_id"])
            case .recurring:
                let m = try memberID ?? Int64.fetchOne(db, sql: """
                    SELECT r.member_id FROM reps r JOIN members m ON m.id = r.member_id
                    WHERE m.status = 'active' ORDER BY r.member_id LIMIT 1
                    """)
                return m.map { ExampleIDs(member: $0, digest: true) }
            }
        }
    }
}

/// Which rows a sample message is rendered from.
public struct ExampleIDs: Sendable, Hashable {
    public var member: Int64
    public var event: Int64?
    public var ballot: Int64?
    public var digest: Bool

    public init(member: Int64, event: Int64? = nil, ballot: Int64? = nil, digest: Bool = false) {
        self.member = member; self.event = event; self.ballot = ballot; self.digest = digest
    }
}
