// Bounds on the queries one rule's `where:` runs in: time, the size of one value, SQLite's heap, and shutdown.
import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The limits a rule's planning queries run under, and the switch a shutdown throws.
///
/// `ConditionPolicy` keeps a `where:` to reads and ordinary functions; what those allow can still be
/// slow (a cross join of members with themselves) or large (`replace` nested in `replace`). So each
/// rule's queries in a pass run with:
///
/// - a progress handler that stops them after `seconds` of work (a monotonic clock: a budget of
///   work, not planning time), or at once when `cancel()` was called (graceful shutdown);
/// - SQLite's length limit lowered to `maxValueBytes` for any one string or blob;
/// - SQLite's process-wide hard heap limit (`heapLimitBytes`), installed once.
///
/// A rule stopped by a limit fails alone (`PlanResult.failedRules`); a cancelled pass throws
/// `QueryCancelled`.
public final class QueryLimits: Sendable {
    /// The work one rule's queries may take in a pass.
    public let seconds: Double
    /// The largest string or blob a rule's query may make.
    public let maxValueBytes: Int32
    /// SQLite's hard heap limit for the whole process.
    public static let heapLimitBytes: Int64 = 512 << 20

    private let cancelled = Atomic<Bool>(false)

    public init(seconds: Double = 2, maxValueBytes: Int32 = 10_000_000) {
        self.seconds = seconds
        self.maxValueBytes = maxValueBytes
        _ = Self.heapLimitInstalled
    }

    /// Installed once per process: SQLite's heap limit is global.
    private static let heapLimitInstalled: Bool = {
        let current = sqlite3_hard_heap_limit64(-1)
        if current == 0 || current > heapLimitBytes { sqlite3_hard_heap_limit64(heapLimitBytes) }
        return true
    }()

    /// Stops every query running under these limits, now and from now on: for a graceful shutdown.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Runs `body` (queries of one rule on `db`) within the limits; restores the connection after.
    ///
    /// Throws `RuleQueryError` when a limit stopped it, `QueryCancelled` after `cancel()`.
    func run<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        if isCancelled { throw QueryCancelled() }
        guard let handle = db.sqliteConnection else { return try body() }
        let budget = Budget(limits: self, deadline: DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9))
        sqlite3_progress_handler(handle, 1_000, { context in
            let budget = Unmanaged<Budget>.fromOpaque(context!).takeUnretainedValue()
            return budget.exhausted() ? 1 : 0
        }, Unmanaged.passUnretained(budget).toOpaque())
        let length = sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, maxValueBytes)
        defer {
            sqlite3_progress_handler(handle, 0, nil, nil)
            sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, length)
        }
        return try withExtendedLifetime(budget) {
            do {
                return try body()
            } catch let e as DatabaseError {
                if isCancelled { throw QueryCancelled() }
                switch e.resultCode.primaryResultCode {
                case .SQLITE_INTERRUPT where budget.timedOut:
                    throw RuleQueryError("its query took more than \(Self.format(seconds)) s and was stopped: narrow the 'where:'")
                case .SQLITE_TOOBIG:
                    throw RuleQueryError("its query made a value larger than \(maxValueBytes / 1_000_000) MB and was stopped")
                case .SQLITE_NOMEM:
                    throw RuleQueryError("its query needed more memory than SQLite may use (\(Self.heapLimitBytes >> 20) MB) and was stopped")
                default:
                    throw e
                }
            }
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    /// One run's deadline, read by the progress handler on the querying thread.
    private final class Budget {
        let limits: QueryLimits
        let deadline: UInt64
        var timedOut = false

        init(limits: QueryLimits, deadline: UInt64) {
            self.limits = limits; self.deadline = deadline
        }

        func exhausted() -> Bool {
            if limits.isCancelled { return true }
            if DispatchTime.now().uptimeNanoseconds > deadline { timedOut = true }
            return timedOut
        }
    }
}

/// A rule's queries were stopped by a limit (time, size, memory): the rule fails, the others plan.
public struct RuleQueryError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A graceful shutdown stopped the planning queries.
public struct QueryCancelled: Error, CustomStringConvertible, Sendable {
    public var description: String { "planning stopped: shutting down" }
}
