// Compiling an audience's `where:` against the real schema, on a read-only connection.
import Foundation
import GRDB
import MusterCore

extension Store {
    /// What is wrong with `condition` as an audience `where:`, or nil when it is one read-only
    /// condition over members `m` and workplaces `w` using no parameters but `:now` and `:today`.
    ///
    /// The text checks (`;`, comments, stray parentheses) come first; then the condition is prepared
    /// as `SELECT 1 FROM members m LEFT JOIN workplaces w ON w.id = m.workplace_id WHERE (<condition>)`.
    public func audienceConditionProblem(_ condition: String) -> String? {
        if let problem = Audience.conditionProblem(condition) {
            return "must be one read-only SQL condition over m and w: \(problem)"
        }
        do {
            return try pool.read { db -> String? in
                let statement: Statement
                do {
                    statement = try db.makeStatement(sql: """
                        SELECT 1 FROM members m LEFT JOIN workplaces w ON w.id = m.workplace_id WHERE (
                        \(condition)
                        )
                        """)
                } catch let e as DatabaseError {
                    return "is not a valid condition: \(e.message ?? "SQLite error \(e.resultCode.rawValue)")"
                }
                guard statement.isReadonly else { return "must only read, never change the database" }
                do {
                    try statement.validateArguments(["now": "", "today": ""])
                } catch {
                    return "may use no parameters but :now and :today"
                }
                return nil
            }
        } catch {
            return "could not be checked: \(error)"
        }
    }

    /// A check to give `ScheduleLoader(checkCondition:)`.
    public var conditionChecker: @Sendable (String) -> String? {
        { [self] condition in self.audienceConditionProblem(condition) }
    }

    /// Every rule whose `where:` fails `audienceConditionProblem`, as `file:line:` errors.
    public func checkConditions(_ rules: [Rule]) -> [InputError] {
        rules.compactMap { rule in
            guard let c = rule.audience.condition, let problem = audienceConditionProblem(c) else { return nil }
            return InputError(file: rule.file, line: rule.audience.conditionLine, "audience: 'where' \(problem)")
        }
    }
}
