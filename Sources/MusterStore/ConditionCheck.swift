// Compiling an audience's `where:` against the real schema, under ConditionPolicy's authorizer.
import Foundation
import GRDB
import MusterCore

extension Store {
    /// What is wrong with `condition` as an audience `where:`, or nil when it is one read-only
    /// condition over members `m` and workplaces `w` that reads only the district's tables, calls
    /// only ordinary functions (`ConditionPolicy`) and uses no parameters but `:now` and `:today`.
    ///
    /// The text checks (`;`, comments, stray parentheses) come first; then the condition is compiled
    /// as `SELECT 1 FROM members m LEFT JOIN workplaces w ON w.id = m.workplace_id WHERE (<condition>)`
    /// on a read-only connection of its own.
    public func audienceConditionProblem(_ condition: String) -> String? {
        audienceConditionProblems([condition])[0]
    }

    /// `audienceConditionProblem` for each of `conditions`, compiled on one connection.
    public func audienceConditionProblems(_ conditions: [String]) -> [String?] {
        var sandbox: ConditionSandbox?
        return conditions.map { condition in
            if let problem = Audience.conditionProblem(condition) {
                return "must be one read-only SQL condition over m and w: \(problem)"
            }
            do {
                if sandbox == nil { sandbox = try ConditionSandbox(path: path) }
                return sandbox!.problem(condition)
            } catch {
                return "could not be checked: \(error)"
            }
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
