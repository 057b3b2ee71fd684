// What an import did, or every reason it did nothing.
import Foundation

/// The outcome of one CSV file imported in one transaction.
public struct ImportReport: Sendable, Equatable {
    public var kind: ImportKind
    /// The file's name as errors and warnings write it (`members.csv`).
    public var file: String
    /// Data rows read (the header and blank lines are not counted).
    public var rowsRead: Int
    public var inserted: Int
    /// Rows that matched an existing one and changed it.
    public var updated: Int
    /// Rows that matched an existing one and were the same already.
    public var unchanged: Int
    /// Members absent from the file set to `left` by a sync import (members only).
    public var markedLeft: Int
    /// Things worth knowing that did not stop the import: `members.csv:1: column 'postcode' is not used`.
    public var warnings: [String]

    public init(kind: ImportKind, file: String, rowsRead: Int = 0, inserted: Int = 0, updated: Int = 0,
                unchanged: Int = 0, markedLeft: Int = 0, warnings: [String] = []) {
        self.kind = kind; self.file = file; self.rowsRead = rowsRead; self.inserted = inserted
        self.updated = updated; self.unchanged = unchanged; self.markedLeft = markedLeft; self.warnings = warnings
    }
}

/// An import that changed nothing, with its reasons: each names the file, the line and (for a value)
/// the column, e.g. `members.csv:17: column 'email': "bob@" is not an email address`.
///
/// At most ``limit`` reasons are kept; `description` ends with `... and N more errors` past that.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public static let limit = 50

    public var file: String
    /// The first reasons, in file order, at most ``limit``.
    public var errors: [String]
    /// How many reasons there were in all.
    public var total: Int

    public init(file: String, errors: [String], total: Int? = nil) {
        self.file = file
        self.errors = Array(errors.prefix(ImportError.limit))
        self.total = total ?? errors.count
    }

    public var description: String {
        var lines = errors
        if total > errors.count {
            let more = total - errors.count
            lines.append("... and \(more) more error\(more == 1 ? "" : "s")")
        }
        return lines.joined(separator: "\n")
    }
}
