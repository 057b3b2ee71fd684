// Long `IN (...)` lists, split so that no statement binds more than SQLite allows.
import Foundation
import GRDB

/// `IN (?, ?, ...)` over many values, 500 at a time: SQLite limits a statement's bound parameters
/// (32,766 today, 999 in older builds), and short lists keep each statement cheap to prepare.
///
///     try InList.forEach(ids, in: db) { marks, arguments in
///         try Row.fetchAll(db, sql: "SELECT ... WHERE id IN (\(marks))", arguments: arguments)
///     }
enum InList {
    /// Values per statement.
    static let size = 500

    /// Calls `body` once per slice of up to `size` values, with its placeholders (`?,?,?`) and arguments, in order.
    static func forEach<C: Collection>(
        _ values: C, _ body: (_ marks: String, _ arguments: StatementArguments) throws -> Void
    ) rethrows where C.Element: DatabaseValueConvertible {
        let all = Array(values)
        var start = 0
        while start < all.count {
            let chunk = all[start..<min(start + size, all.count)]
            try body(Array(repeating: "?", count: chunk.count).joined(separator: ","), StatementArguments(Array(chunk)))
            start += size
        }
    }
}
