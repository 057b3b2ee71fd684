// The history a pass writes: a snapshot on the first pass of a day, and the status and section
// changes another program made, recorded once (not again when an import already recorded them).
import Foundation
import GRDB
import MusterCore
@testable import MusterStore
import MusterTestSupport
import Testing

@Suite struct ReportHistoryTests {
    let dir: TemporaryDirectory
    let store: Store
    let london = TimeZone.named("Europe/London")!
    let day1 = try! ISOTime.instant("2026-11-02T09:00:00Z")

    init() throws {
        dir = try TemporaryDirectory()
        store = try ImportFixtures.district(dir)
    }

    func sql(_ s: String) throws { try store.pool.write { db in try db.execute(sql: s) } }
    func snapshots() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT day, workplace_id, active, reps FROM muster_snapshots ORDER BY day, workplace_id")
                .map { "\($0[0] as String) w\($0[1] as Int64) active=\($0[2] as Int) reps=\($0[3] as Int)" }
        }
    }

    @Test func theFirstPassOfADayWritesOneSnapshotAndTakesEveryoneAsTheBaseline() throws {
        // Given the fixture district (A1 active at 1, A2 active at 2, A3 lapsed at 3, A4 active with no workplace)
        try sql("INSERT INTO reps(member_id, workplace_id) VALUES (1, 1)")
        // When the first pass runs, and a second one later the same day after A1 lapsed
        let first = try store.recordHistory(now: day1, zone: london, scope: .everyone)
        try sql("UPDATE members SET status = 'lapsed' WHERE id = 1")
        let second = try store.recordHistory(now: day1.addingTimeInterval(3600), zone: london, scope: .everyone)
        // Then one snapshot for the day (the workplace-less counted as workplace 0), no change at the baseline,
        #expect(first.snapshotDay == LocalDay(year: 2026, month: 11, day: 2) && first.statusChanges == 0)
        #expect(second.snapshotDay == nil && second.statusChanges == 1)
        #expect(try snapshots() == ["2026-11-02 w0 active=1 reps=0", "2026-11-02 w1 active=1 reps=1", "2026-11-02 w2 active=1 reps=0"])
        // and the later change recorded as seen by a pass
        #expect(try store.statusChanges().map(\.description) == [
            "member 1 active -> lapsed at 2026-11-02T10:00:00Z by \"seen by a pass\"",
        ])
        // and the next day's pass writes the next snapshot
        #expect(try store.recordHistory(now: day1.addingTimeInterval(86_400), zone: london, scope: .nobody).snapshotDay
            == LocalDay(year: 2026, month: 11, day: 3))
    }

    @Test func aChangeAnImportRecordedIsNotRecordedAgainByThePass() throws {
        try store.recordHistory(now: day1, zone: london, scope: .everyone)
        _ = try importCSV(kind: .members, path: dir.write("members.csv", "membership_number,first_name,status\nA1,Zoë,left\n"),
                          store: store, now: day1.addingTimeInterval(60))
        let note = try store.recordHistory(now: day1.addingTimeInterval(120), zone: london, scope: .everyone)
        #expect(note.statusChanges == 0)
        #expect(try store.statusChanges().map(\.source) == ["import members.csv"])
    }

    @Test func aPassForSomeMembersComparesOnlyThem() throws {
        // The daemon's change log names the members another program touched; its pass looks at those.
        try store.recordHistory(now: day1, zone: london, scope: .everyone)
        try sql("UPDATE members SET status = 'left' WHERE id IN (1, 2)")
        let note = try store.recordHistory(now: day1.addingTimeInterval(60), zone: london, scope: .members([2]))
        #expect(note.statusChanges == 1)
        #expect(try store.statusChanges().map(\.memberID) == [2])
        #expect(try store.recordHistory(now: day1.addingTimeInterval(120), zone: london, scope: .everyone).statusChanges == 1)
    }

    @Test func enteringASectionIsNotedOnceAndTheBaselineIsNot() throws {
        try store.recordHistory(now: day1, zone: london, scope: .everyone)
        try sql("UPDATE members SET section = 'leadership' WHERE id = 1")
        let note = try store.recordHistory(now: day1.addingTimeInterval(60), zone: london, scope: .everyone)
        #expect(note.sectionEntries == 1)
        let rows = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT member_id, section, baseline FROM muster_section_entries ORDER BY member_id, section")
                .map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as Int)" }
        }
        #expect(rows == ["1 leadership 0", "1 teachers 1", "2 leadership 1", "3 support staff 1", "4 support staff 1"])
    }

    @Test func aWorkplaceImportTakesARegion() throws {
        _ = try importCSV(kind: .workplaces, path: dir.write("w.csv", "id,name,region\n1,Bridport Primary,West Dorset\n"), store: store)
        #expect(try store.pool.read { db in try String.fetchOne(db, sql: "SELECT region FROM workplaces WHERE id = 1") } == "West Dorset")
    }
}
