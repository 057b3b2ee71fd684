import Foundation
import GRDB
import MusterCore
import MusterTestSupport
import Testing
@testable import MusterStore

/// The revision of an event rises only when muster sees its start, end, location or status change.
@Suite struct EventRevisionsTests {
    let dir: TemporaryDirectory
    let store: Store
    let revisions: EventRevisions
    let t0 = ISOTime.parseInstant("2030-12-01T09:00:00Z")!

    init() throws {
        dir = try TemporaryDirectory()
        store = try Store(path: dir.file("m.sqlite"))
        revisions = EventRevisions(store)
        try sql("""
            INSERT INTO events(id, kind, title, starts_at, ends_at, location) VALUES
              (1, 'meeting', 'AGM', '2030-12-11T18:30:00Z', '2030-12-11T20:00:00Z', 'Wareham'),
              (2, 'training', 'Course', '2030-12-12T09:00:00Z', NULL, NULL)
            """)
    }

    func sql(_ text: String) throws { try store.pool.write { db in try db.execute(sql: text) } }

    func revision(_ id: Int64) throws -> Int? { try revisions.change(eventID: id)?.revision }

    @Test func aFirstSightingIsRevisionZeroAndAsksForNothing() throws {
        #expect(try revisions.observe(now: t0) == 0)
        #expect(try (revision(1), revision(2)) == (0, 0))
        #expect(try revisions.pending().isEmpty)
    }

    @Test func onlyStartEndLocationAndStatusRaiseTheRevision() throws {
        try revisions.observe(now: t0)
        // A new title, description or URL, and the same instant written with an offset: no change
        try sql("""
            UPDATE events SET title = 'Annual meeting', description = 'Agenda', url = 'https://example.org',
                starts_at = '2030-12-11T19:30:00+01:00', location = ' Wareham ' WHERE id = 1
            """)
        #expect(try revisions.observe(now: t0) == 0)
        #expect(try revisions.change(eventID: 1)?.event.title == "Annual meeting")
        // Each of the four, once
        for (n, change) in ["starts_at = '2030-12-11T19:00:00Z'", "ends_at = NULL", "location = 'Poole'",
                            "status = 'cancelled'"].enumerated() {
            try sql("UPDATE events SET \(change) WHERE id = 1")
            #expect(try revisions.observe(now: t0) == 1)
            #expect(try revisions.observe(now: t0) == 0)
            #expect(try revision(1) == n + 1)
        }
        let last = try #require(try revisions.change(eventID: 1))
        #expect(last.isCancelled && last.previous?.status == .scheduled && last.previous?.location == "Poole")
        #expect(try revision(2) == 0)
    }

    @Test func aDeletedRowIsACancellationOnce() throws {
        try revisions.observe(now: t0)
        try sql("DELETE FROM events WHERE id = 2")
        #expect(try revisions.observe(now: t0) == 1)
        #expect(try revisions.observe(now: t0) == 0)
        let change = try #require(try revisions.change(eventID: 2))
        #expect(change.isCancelled && change.revision == 1 && change.event.title == "Course")
        // pending until followed up, then not again
        #expect(try revisions.pending().map(\.event.id) == [2])
        try revisions.markFollowedUp(change)
        #expect(try revisions.pending().isEmpty)
    }

    @Test func aMovedNoticeExpiresAtTheLaterOfTheOldAndNewStart() throws {
        try revisions.observe(now: t0)
        try sql("UPDATE events SET starts_at = '2030-12-10T18:30:00Z' WHERE id = 1")
        try revisions.observe(now: t0)
        let change = try #require(try revisions.change(eventID: 1))
        #expect(change.moved && !change.relocated && change.notice == .changed && change.noticeOccurrence == "changed-r1")
        #expect(change.noticeExpiry == ISOTime.parseInstant("2030-12-11T18:30:00Z")!)
    }
}

@Suite struct EventImportTests {
    @Test func importsStatusTimezoneAndOnlineAndNamesBadCells() throws {
        let dir = try TemporaryDirectory()
        let store = try ImportFixtures.district(dir)
        _ = try importCSV(kind: .events, path: dir.write("more.csv", """
            id,kind,title,starts_at,status,timezone,online
            20,meeting,Online AGM,2030-12-11T18:30:00Z,,,yes
            21,meeting,Lisbon visit,2030-12-12T18:30:00Z,Cancelled,Europe/Lisbon,0
            """), store: store)
        #expect(try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, status, timezone, online FROM events WHERE id >= 20 ORDER BY id").map(\.description)
        } == ["[id:20 status:\"scheduled\" timezone:NULL online:1]", "[id:21 status:\"cancelled\" timezone:\"Europe/Lisbon\" online:0]"])
        #expect(try ImportFixtures.failure(.events, "bad.csv", """
            id,kind,title,starts_at,status
            22,meeting,AGM,2030-12-11T18:30:00Z,postponed
            """, store: store, dir: dir) == "bad.csv:2: column 'status': \"postponed\" is not one of scheduled, cancelled")
        #expect(try ImportFixtures.failure(.events, "bad.csv", """
            id,kind,title,starts_at,timezone
            22,meeting,AGM,2030-12-11T18:30:00Z,Europe/Dorchester
            """, store: store, dir: dir)
            == "bad.csv:2: column 'timezone': \"Europe/Dorchester\" is not a known time zone (use an IANA name such as Europe/London)")
        #expect(try ImportFixtures.failure(.events, "bad.csv", """
            id,kind,title,starts_at,online
            22,meeting,AGM,2030-12-11T18:30:00Z,maybe
            """, store: store, dir: dir) == "bad.csv:2: column 'online': \"maybe\" is not one of 0, 1, true, false, yes, no")
    }
}
