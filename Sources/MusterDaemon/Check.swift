// muster check: every step of every rule rendered against real rows where they exist, samples where not.
import Foundation
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
            let (found, againstRows) = check(rule, queries: queries, now: now)
            errors += found
            steps += rule.steps.count
            if againstRows { real += rule.steps.count }
        }
        var seen = Set<String>()
        errors = errors.filter { seen.insert($0.description).inserted }
        return CheckReport(errors: errors, rules: rules.count, steps: steps, againstRealRows: real)
    }

    /// What `check(now:)` finds in one rule (the console's Rules page shows it beside the rule).
    public func check(rule: Rule, now: Date) -> [InputError] {
        var seen = Set<String>()
        return check(rule, queries: RenderQueries(store: store, organisation: config.organisation), now: now).errors
            .filter { seen.insert($0.description).inserted }
    }

    /// Every step's template, then the notices' (`changed:`, `cancelled:`), against rows from the
    /// database when some fit the rule, else against sample data.
    func check(_ rule: Rule, queries: RenderQueries, now: Date) -> (errors: [InputError], againstRows: Bool) {
        let kind = rule.kind.contextKind
        let sample = (try? realInput(for: rule, queries: queries, now: now)) ?? nil
        var errors: [InputError] = []
        for template in rule.templates {
            errors += templates.check(
                template: template, kind: kind, referencedIn: rule.file, line: nil,
                sample: sample ?? RenderInput.sample(for: kind, organisation: config.organisation))
        }
        return (errors, sample != nil)
    }

    /// Rows from the database that fit `rule`, rendered as its messages would be; nil when there are none.
    func realInput(for rule: Rule, queries: RenderQueries, now: Date) throws -> RenderInput? {
        guard let ids = try exampleIDs(for: rule, memberID: nil, now: now) else { return nil }
        return try queries.input(memberID: ids.member, eventID: ids.event, ballotID: ids.ballot, digest: ids.digest, now: now)
    }

    /// A member (the one given, else a fitting one) and the event or ballot a message of `rule` would be
    /// about (see `ExampleRows.ids`). Nil when there is none.
    public func exampleIDs(for rule: Rule, memberID: Int64?, now: Date) throws -> ExampleIDs? {
        try ExampleRows(store).ids(for: rule, memberID: memberID, now: now)
    }
}
