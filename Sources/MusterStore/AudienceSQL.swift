// An audience as SQL: the condition over members `m` and workplaces `w` that the planner's queries share.
import Foundation
import GRDB
import MusterCore

/// Builds one SELECT over members with an audience's filters, binding every value by name.
///
/// Values are bound as `:muster_N` so they cannot clash with the `where:` condition's `:now` and
/// `:today`, which are bound to the planning instant (ISO) and the organisation's local date.
struct MemberQuery {
    private(set) var conditions: [String] = []
    private(set) var arguments: [String: (any DatabaseValueConvertible)?] = [:]
    private var joinsWorkplace = false

    /// The members of `audience` at `now` (`today` is `now`'s date in the organisation's zone).
    init(_ audience: Audience, now: Date, today: String) {
        arguments["now"] = ISOTime.format(now)
        arguments["today"] = today
        add("m.status", audience.status.map(\.rawValue))
        if let s = audience.section { add("m.section", s) }
        if let r = audience.role { add("m.role", r) }
        if let k = audience.workplaceKind {
            add("w.kind", k)
            joinsWorkplace = true
        }
        if let places = audience.workplace {
            let ids = places.compactMap { Int64($0) }
            let names = places.filter { Int64($0) == nil }
            var parts: [String] = []
            if !ids.isEmpty { parts.append("m.workplace_id IN (\(bind(ids)))") }
            if !names.isEmpty {
                parts.append("w.name IN (\(bind(names)))")
                joinsWorkplace = true
            }
            conditions.append("(" + parts.joined(separator: " OR ") + ")")
        }
        if let rep = audience.rep {
            conditions.append((rep ? "" : "NOT ") + "EXISTS (SELECT 1 FROM reps r WHERE r.member_id = m.id)")
        }
        if let c = audience.condition {
            conditions.append("(\n\(c)\n)")
            joinsWorkplace = true
        }
    }

    /// Adds a condition of the query's own (over `m`, and tables it names).
    mutating func require(_ condition: String) {
        conditions.append(condition)
    }

    /// Binds one value and returns its placeholder.
    mutating func bind(_ value: (any DatabaseValueConvertible)?) -> String {
        let name = "muster_\(arguments.count)"
        arguments[name] = value
        return ":" + name
    }

    private mutating func bind(_ values: [any DatabaseValueConvertible]) -> String {
        values.map { bind($0) }.joined(separator: ", ")
    }

    private mutating func add(_ column: String, _ values: [String]) {
        conditions.append("\(column) IN (\(bind(values)))")
    }

    /// `SELECT columns FROM from [LEFT JOIN workplaces w] WHERE ...`; `from` must name members `m`.
    func sql(select columns: String, from: String = "members m") -> String {
        var sql = "SELECT \(columns) FROM \(from)"
        if joinsWorkplace { sql += " LEFT JOIN workplaces w ON w.id = m.workplace_id" }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        return sql
    }

    var statementArguments: StatementArguments { StatementArguments(arguments) }
}
