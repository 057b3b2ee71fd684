// Writing one checked CSV row: an upsert that tells new, changed and unchanged apart, and status changes.
import Foundation
import GRDB

/// The statements an import writes with, made once for the file's columns.
///
/// Only the columns in the header (and the key) are written, so a column missing from the file is
/// left as it is in existing rows. For members it also learns each row's earlier status, so that
/// every status the file changes is recorded in `muster_status_changes`.
struct ImportWriter {
    /// What writing one row did.
    enum Outcome: Equatable {
        case inserted, updated, unchanged
    }

    let spec: KindSpec
    /// Indexes into `spec.columns` of the table columns written, in order; `member_id` follows for
    /// rows that name a member.
    let written: [Int]
    /// Where each key column is in a row's arguments.
    let keyOrder: [Int]
    /// Where `status` is in a row's arguments, when a members file has that column.
    private let statusPlace: Int?
    private let upsert: Statement
    /// `SELECT 1` (or, for members, `SELECT id, status`) of the row with the key.
    private let existing: Statement

    init(spec: KindSpec, inHeader: (Int) -> Bool, db: Database) throws {
        self.spec = spec
        written = spec.columns.indices.filter { inHeader($0) || spec.key.contains(spec.columns[$0].name) }
        var names = written.map { spec.columns[$0].name }
        if spec.namesMember { names.append("member_id") }
        keyOrder = spec.key.map { k in names.firstIndex(of: k)! }
        statusPlace = spec.table == "members" ? names.firstIndex(of: "status") : nil
        upsert = try db.makeStatement(sql: ImportWriter.upsertSQL(spec, names))
        let what = spec.table == "members" ? "id, status" : "1"
        existing = try db.makeStatement(
            sql: "SELECT \(what) FROM \(spec.table) WHERE " + spec.key.map { "\($0) = ?" }.joined(separator: " AND "))
    }

    /// The row's arguments: the written columns' values, then the member's id when rows name one.
    func arguments(_ values: [DatabaseValue], memberID: Int64?) -> [DatabaseValue] {
        var arguments = written.map { values[$0] }
        if spec.namesMember { arguments.append(memberID!.databaseValue) }
        return arguments
    }

    /// The row's key as one string, to find a key repeated within the file.
    func key(_ arguments: [DatabaseValue]) -> String {
        keyOrder.map { arguments[$0].description }.joined(separator: "\u{1F}")
    }

    /// Inserts or updates the row; records a member's status change in `log`.
    func write(_ arguments: [DatabaseValue], _ db: Database, log: StatusChangeLog) throws -> Outcome {
        let before = try Row.fetchOne(existing, arguments: StatementArguments(keyOrder.map { arguments[$0] }))
        try upsert.execute(arguments: StatementArguments(arguments))
        guard let before else { return .inserted }
        guard db.changesCount > 0 else { return .unchanged }
        if let statusPlace, case .string(let to) = arguments[statusPlace].storage {
            let from: String? = before[1]
            if from != to { try log.record(member: before[0], from: from, to: to) }
        }
        return .updated
    }

    /// `INSERT ... ON CONFLICT(key) DO UPDATE SET` the other columns, only where a value differs, so
    /// that `changesCount` tells an update from a row already the same.
    private static func upsertSQL(_ spec: KindSpec, _ names: [String]) -> String {
        let others = names.filter { !spec.key.contains($0) }
        var sql = "INSERT INTO \(spec.table)(\(names.joined(separator: ", "))) VALUES("
            + Array(repeating: "?", count: names.count).joined(separator: ", ") + ") ON CONFLICT("
            + spec.key.joined(separator: ", ") + ") DO "
        if others.isEmpty { return sql + "NOTHING" }
        sql += "UPDATE SET " + others.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        sql += " WHERE " + others.map { "\(spec.table).\($0) IS NOT excluded.\($0)" }.joined(separator: " OR ")
        return sql
    }
}
