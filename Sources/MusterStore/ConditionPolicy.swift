// What a `where:` may ask of SQLite: reads of the district's tables with ordinary functions, nothing else.
import Foundation
import GRDBSQLite

/// The whitelist a `where:` is held to, enforced by an SQLite authorizer while the condition is compiled.
///
/// A `where:` is an organiser's filter, not a program: it may read the district's tables and call
/// comparison, text, date and math functions and the usual aggregates. Everything else is refused at
/// `muster check` (and at load and reload) with the schedule's file and line, for example
///
///     schedules/welcome.yaml:9: audience: 'where' may not call load_extension(): ...
///
/// Refused: recursive `WITH` (a recursion without a bound never returns), functions outside
/// `functions` (load_extension, randomblob, zeroblob, random, printf, JSON, window functions ...),
/// tables outside `tables` (muster's own state, `sqlite_master`, virtual tables such as
/// `pragma_table_info`), PRAGMA, ATTACH, and every kind of write. What the whitelist allows can still
/// be slow or large (a cross join); `QueryLimits` bounds that at run time.
public enum ConditionPolicy {
    /// The district's tables.
    public static let tables: Set<String> = [
        "members", "workplaces", "reps", "events", "registrations", "ballots", "ballot_members",
    ]

    /// Functions a filter may call (lower case), by kind.
    public static let functions: Set<String> = [
        // comparison and logic
        "coalesce", "ifnull", "iif", "nullif", "likely", "unlikely", "likelihood", "typeof", "min", "max",
        // text
        "length", "octet_length", "lower", "upper", "trim", "ltrim", "rtrim", "substr", "substring", "instr",
        "replace", "like", "glob", "hex", "char", "unicode", "concat", "concat_ws", "soundex", "quote",
        // date and time
        "date", "time", "datetime", "julianday", "strftime", "unixepoch", "timediff",
        // math
        "abs", "round", "sign", "ceil", "ceiling", "floor", "trunc", "mod", "pow", "power", "sqrt", "exp",
        "ln", "log", "log2", "log10", "pi",
        // aggregates
        "count", "sum", "total", "avg", "group_concat", "string_agg",
    ]

    /// How telling a refusal of `action` is, lowest first: SQLite reports a recursive CTE's own name as
    /// a table read, and schema updates before a virtual table's read, so the cause must win.
    static func rank(_ action: Int32) -> Int {
        switch action {
        case SQLITE_RECURSIVE: return 0
        case SQLITE_FUNCTION: return 1
        case SQLITE_PRAGMA, SQLITE_ATTACH, SQLITE_DETACH: return 2
        case SQLITE_READ: return 3
        case SQLITE_UPDATE: return 5
        default: return 4
        }
    }

    /// Why SQLite's action (an authorizer callback's arguments) is refused, or nil when it is allowed.
    static func refusal(_ action: Int32, _ a: String?, _ b: String?) -> String? {
        switch action {
        case SQLITE_SELECT:
            return nil
        case SQLITE_READ:
            guard let table = a, tables.contains(table.lowercased()) else {
                return "may only read the district's tables (\(tables.sorted().joined(separator: ", "))), not '\(a ?? "?")'"
            }
            return nil
        case SQLITE_FUNCTION:
            let name = (b ?? "?").lowercased()
            guard functions.contains(name) else {
                return "may not call \(name)(): a filter may use comparison, text, date and math functions and count, sum, total, avg, min, max, group_concat"
            }
            return nil
        case SQLITE_RECURSIVE:
            return "may not use a recursive WITH: write the filter over the district's tables without recursion"
        case SQLITE_PRAGMA:
            return "may not use PRAGMA"
        case SQLITE_ATTACH, SQLITE_DETACH:
            return "may not attach another database"
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE, SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            return "must only read, never change the database"
        default:
            return "may only read the district's tables with ordinary functions (SQLite action \(action) refused)"
        }
    }
}

/// A query-only connection of its own, where every `where:` is compiled under `ConditionPolicy`'s
/// authorizer. Never GRDB's connections: GRDB relies on its own authorizer, which SQLite allows only one of.
///
/// Only compiled, never run: what a statement may do is decided when it is prepared, and the
/// condition is embedded, parenthesised and unchanged, in every query the planner runs (the text
/// checks of `Audience.conditionProblem` keep it from closing its parentheses).
final class ConditionSandbox {
    private var handle: OpaquePointer?
    /// The most telling refusal of the statement being compiled, with its `ConditionPolicy.rank`.
    private var refusal: (rank: Int, message: String)?

    /// Opens `path` for queries only (`query_only`: a read-only open of a WAL file waits on the
    /// writer's locks); throws a sentence when it cannot.
    init(path: String) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(code)"
            sqlite3_close_v2(handle)
            throw SandboxError(message: "cannot open \(path) to check conditions: \(message)")
        }
        sqlite3_busy_timeout(handle, 5_000)
        sqlite3_exec(handle, "PRAGMA query_only = 1", nil, nil, nil)
        sqlite3_set_authorizer(handle, { context, action, a, b, _, _ in
            let sandbox = Unmanaged<ConditionSandbox>.fromOpaque(context!).takeUnretainedValue()
            guard let why = ConditionPolicy.refusal(action, a.map { String(cString: $0) }, b.map { String(cString: $0) })
            else { return SQLITE_OK }
            let rank = ConditionPolicy.rank(action)
            if sandbox.refusal.map({ rank < $0.rank }) ?? true { sandbox.refusal = (rank, why) }
            // A refused read compiles as NULL so that SQLite goes on and reports a more telling cause
            // (a recursive CTE's name is read before its recursion is seen); the refusal stands.
            // So does SQLite's own schema update before a virtual table is read: the statement is never run.
            return action == SQLITE_READ || action == SQLITE_UPDATE ? SQLITE_IGNORE : SQLITE_DENY
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// What is wrong with `condition` compiled as a filter over members `m` and workplaces `w`, or nil.
    func problem(_ condition: String) -> String? {
        refusal = nil
        var statement: OpaquePointer?
        let sql = """
            SELECT 1 FROM members m LEFT JOIN workplaces w ON w.id = m.workplace_id WHERE (
            \(condition)
            )
            """
        let code = sqlite3_prepare_v3(handle, sql, -1, 0, &statement, nil)
        defer { sqlite3_finalize(statement) }
        if let refusal { return refusal.message }
        guard code == SQLITE_OK, let statement else {
            return "is not a valid condition: \(String(cString: sqlite3_errmsg(handle)))"
        }
        guard sqlite3_stmt_readonly(statement) != 0 else { return "must only read, never change the database" }
        let count = sqlite3_bind_parameter_count(statement)
        if count > 0 {
            for i in 1...count {
                let name = sqlite3_bind_parameter_name(statement, i).map { String(cString: $0) }
                guard let name, ["now", "today"].contains(name.dropFirst()) else {
                    return "may use no parameters but :now and :today"
                }
            }
        }
        return nil
    }

    struct SandboxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
