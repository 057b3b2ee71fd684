// Who a rule is for: filters on members and their workplaces, and an optional SQL condition.
import Foundation

/// The members a rule speaks to, before its recipients (invited, registered, not voted...) narrow it.
///
/// Each filter is a value or a list (any of them matches); absent filters do not narrow. An audience
/// that does not name `status` means `status: active`. `where:` is a read-only SQL condition over
/// members `m` and workplaces `w`, which may use `:now` (an ISO instant) and `:today` (`YYYY-MM-DD`
/// in the organisation's zone), both the planning instant:
///
/// ```yaml
/// audience: { section: leadership, rep: true, where: "m.joined_on >= date(:today, '-120 days')" }
/// ```
public struct Audience: Sendable, Hashable {
    public var status: [MemberStatus]
    public var section: [String]?
    public var role: [String]?
    public var workplaceKind: [String]?
    /// Workplace ids (numbers) or names.
    public var workplace: [String]?
    /// true: only members who are reps somewhere; false: only members who are not.
    public var rep: Bool?
    /// The `where:` condition as written.
    public var condition: String?
    /// The line of `where:` in the schedule file, for errors found later (the SQL compile check).
    public var conditionLine: Int?

    public init(
        status: [MemberStatus] = [.active], section: [String]? = nil, role: [String]? = nil,
        workplaceKind: [String]? = nil, workplace: [String]? = nil, rep: Bool? = nil,
        condition: String? = nil, conditionLine: Int? = nil
    ) {
        self.status = status; self.section = section; self.role = role; self.workplaceKind = workplaceKind
        self.workplace = workplace; self.rep = rep; self.condition = condition; self.conditionLine = conditionLine
    }

    /// Every active member.
    public static let active = Audience()

    /// Why `condition` cannot be a single read-only condition, judged from its text alone, or nil.
    ///
    /// Refused: `;` (a second statement), comments (they could hide the closing parenthesis), and
    /// parentheses that close more than they open (`1) UNION SELECT ...`). The store then compiles
    /// what is left as `SELECT 1 FROM members m LEFT JOIN workplaces w ... WHERE (<condition>)`.
    public static func conditionProblem(_ condition: String) -> String? {
        if condition.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "it is empty" }
        var depth = 0
        var quote: Character?
        var previous: Character?
        var semicolon = false, comment = false, closesUnopened = false
        for c in condition {
            if let q = quote {
                if c == q { quote = nil }
                previous = nil
                continue
            }
            switch c {
            case "'", "\"", "`": quote = c
            case "[": quote = "]"
            case ";": semicolon = true
            case "-" where previous == "-", "*" where previous == "/": comment = true
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 { closesUnopened = true }
            default: break
            }
            previous = c
        }
        if semicolon { return "it may not contain ';'" }
        if comment { return "it may not contain comments ('--' or '/*')" }
        if closesUnopened { return "it closes a parenthesis it did not open" }
        if quote != nil { return "a quoted string or name is not closed" }
        if depth != 0 { return "a parenthesis is not closed" }
        return nil
    }
}
