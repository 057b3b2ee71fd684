// Opening muster's SQLite file: WAL, a busy timeout, and the migrations.
import Foundation
import GRDB

/// muster's database: the district's tables and muster's own state, in one SQLite file.
///
/// Another writer (an import, an outside tool) holding the file is waited for, up to
/// `busyTimeout`, never a crash.
public struct Store: Sendable {
    public let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, busyTimeout: TimeInterval = 30, migrate: Bool = true) throws {
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "muster"
        self.path = path
        self.pool = try DatabasePool(path: path, configuration: config)
        if migrate {
            let migrator = Schema.migrator
            try migrator.migrate(pool)
        }
    }

    /// The migrations this file has had, in order.
    public func appliedMigrations() throws -> [String] {
        let migrator = Schema.migrator
        return try pool.read { db in try migrator.appliedMigrations(db) }
    }
}
