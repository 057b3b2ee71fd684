import Foundation
import GRDB
import Testing
@testable import MusterStore
import MusterTestSupport

@Suite struct SchemaTests {
    @Test func migratesAnEmptyDatabase() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(path: dir.file("m.sqlite"))
        #expect(try store.appliedMigrations() == ["v1-district", "v2-muster-state"])
        let mode = try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }
}
