import Foundation
import GRDB
import Testing
@testable import MusterStore
import MusterTestSupport

@Suite struct SchemaTests {
    @Test func migratesAnEmptyDatabase() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(path: dir.file("m.sqlite"))
        #expect(try store.appliedMigrations() == ["v1-district", "v2-muster-state", "v3-outbox-messages", "v4-status-changes", "v5-event-changes", "v6-attention", "v7-vote-reports", "v8-report", "v9-bounces", "v10-delivery-attempts"])
        let mode = try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let changes = try store.pool.read { db in try db.columns(in: "muster_status_changes").map(\.name) }
        #expect(changes == ["id", "member_id", "from_status", "to_status", "at", "source"])
    }

    @Test func onlyAskingCreatesAFileAndItIsOwnerOnly() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("typo.sqlite")
        #expect(throws: StoreError.self) { try Store(path: path, ifMissing: .refuse()) }
        #expect(!FileManager.default.fileExists(atPath: path))
        do {
            let error = try #require(throws: StoreError.self) { try Store(path: path, ifMissing: .refuse()) }
            #expect(error.description == "the database \(path) does not exist; run 'muster init' first")
        }
        let store = try Store(path: path, ifMissing: .create)
        try store.pool.write { db in try db.execute(sql: "INSERT INTO workplaces(id, name) VALUES (1, 'A')") }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        _ = try Store(path: path, ifMissing: .refuse())
    }

    @Test func version3MovesStoredMessagesToTheirOwnTableUnchanged() throws {
        // Given a database of the first release (v1, v2) with one message in its outbox, and a
        // registration that an outside tool left pointing at an event it deleted
        let dir = try TemporaryDirectory()
        let path = dir.file("old.sqlite")
        let bytes = Data("Subject: hi\r\n\r\nThe exact bytes \u{1F44B}\r\n".utf8)
        do {
            let pool = try DatabasePool(path: path)
            try Schema.migrator.migrate(pool, upTo: "v2-muster-state")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO muster_outbox(id, dedupe_key, rule, step, member_id, due_at, next_attempt_at,
                        message_id, recipient, message, created_at, updated_at)
                    VALUES (7, 'welcome/1/1', 'welcome', 1, 1, '2026-11-25T09:00:00Z', '2026-11-25T09:00:00Z',
                        '<x@example.org>', 'ann@example.com', ?, '2026-11-25T09:00:00Z', '2026-11-25T09:00:00Z')
                    """, arguments: [bytes])
            }
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: """
                    PRAGMA foreign_keys = OFF;
                    INSERT INTO members(id, membership_number, first_name) VALUES (1, 'M1', 'Ann');
                    INSERT INTO registrations(event_id, member_id, status) VALUES (99, 1, 'registered');
                    """)
            }
        }
        // When muster opens it
        let store = try Store(path: path)
        // Then the message is where the outbox reads it, byte for byte, and the old column is gone
        #expect(try store.appliedMigrations().contains("v3-outbox-messages"))
        #expect(try OutboxStore(store).entry(id: 7)?.message == bytes)
        let columns = try store.pool.read { db in try db.columns(in: "muster_outbox").map(\.name) }
        #expect(!columns.contains("message"))
    }
}
