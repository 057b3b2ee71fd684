// Opening muster's SQLite file: WAL, a busy timeout, the migrations; created only when asked, owner-only.
import Foundation
import GRDB
import MusterCore

/// muster's database: the district's tables and muster's own state, in one SQLite file.
///
/// Another writer (an import, an outside tool) holding the file is waited for, up to
/// `busyTimeout`, never a crash. Only `muster init` creates the file (``IfMissing/create``); every
/// other command opens it with ``IfMissing/refuse``, so a mistyped path is an error, not a new,
/// empty district. A file muster creates is readable by its owner only (0600), and SQLite gives its
/// `-wal` and `-shm` files the same mode.
public struct Store: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// What each rule's planning queries may cost (time, value size, heap), and the shutdown switch.
    public var queryLimits = QueryLimits()

    /// What opening a path with no database does.
    public enum IfMissing: Sendable {
        /// Create the file (mode 0600) and its schema: `muster init`, and tests.
        case create
        /// Throw ``StoreError/missing(path:mend:)`` and create nothing; `mend` says what to do.
        case refuse(mend: String = "run 'muster init' first")
    }

    /// Opens the database at `path` and brings its schema up to date. Errors name the file.
    public init(path: String, ifMissing: IfMissing = .create, busyTimeout: TimeInterval = 30, migrate: Bool = true) throws {
        switch ifMissing {
        case .refuse(let mend):
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path, mend: mend) }
        case .create:
            do {
                try PrivateFiles.createIfMissing(path)
            } catch {
                throw StoreError.cannotCreate(path: path, reason: error.description)
            }
        }
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "muster"
        self.path = path
        do {
            self.pool = try DatabasePool(path: path, configuration: config)
            if migrate {
                let migrator = Schema.migrator
                try migrator.migrate(pool)
            }
        } catch let error as DatabaseError {
            throw StoreError.sqlite(path: path, error)
        }
    }

    /// The migrations this file has had, in order.
    public func appliedMigrations() throws -> [String] {
        let migrator = Schema.migrator
        return try pool.read { db in try migrator.appliedMigrations(db) }
    }
}

/// The database could not be opened or used; each case names the file.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// No file at the path (and this command does not create one); `mend` says what to do.
    case missing(path: String, mend: String)
    /// `muster init` could not create the file.
    case cannotCreate(path: String, reason: String)
    /// SQLite refused: not a database, corrupt, read-only, a disk full ...
    case sqlite(path: String, DatabaseError)

    public var path: String {
        switch self {
        case .missing(let p, _), .cannotCreate(let p, _), .sqlite(let p, _): return p
        }
    }

    public var description: String {
        switch self {
        case .missing(let path, let mend):
            return "the database \(path) does not exist; \(mend)"
        case .cannotCreate(let path, let reason):
            return "the database \(path) cannot be created: \(reason)"
        case .sqlite(let path, let error):
            return StoreError.describe(error, path: path)
        }
    }

    /// `the database /srv/muster.sqlite: SQLite error 26: file is not a database`, without the
    /// statement's arguments (personal data).
    public static func describe(_ error: DatabaseError, path: String) -> String {
        "the database \(path): SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
    }
}
